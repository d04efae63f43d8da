using NodaTime;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Tests.Support;

/// <summary>The Heze sample register and the rate files that ship in the repository.</summary>
public static class SampleRegister
{
    /// <summary>"Today" for imports in tests, so that undated changes land on a known date.</summary>
    public static readonly LocalDate Today = new(2026, 11, 23);

    public static string Folder => Path.Combine(RepositoryPaths.Samples, "heze");

    public static RateCatalog Rates() => RateDirectory.Load(RepositoryPaths.Rates);

    public static RegisterImport Import() => RegisterFiles.ReadFolder(Folder);

    public static IReadOnlyList<Community> Communities() => RegisterSnapshot.From(Import()).Communities;

    public static IReadOnlyList<Household> Households() => RegisterSnapshot.From(Import()).Households;

    public static Task<ImportResult> ImportAsync(TestDatabase db) =>
        new RegisterStore(db.DataSource).ImportAsync(Import(), Today, Rates());

    /// <summary>Job services with every rule the Worker and Api load from rates/ (rate books, subsidies, parking), so drafts made here match what they issue.</summary>
    public static Microsoft.Extensions.DependencyInjection.ServiceProvider JobServicesWithRepositoryRules(TestDatabase db, Hangfire.JobStorage? storage = null) =>
        BillingHangfire.JobServices(
            db.DataSource,
            RateDirectory.Load(RepositoryPaths.Rates),
            RateDirectory.LoadSubsidies(RepositoryPaths.Rates),
            parking: RateDirectory.LoadParking(RepositoryPaths.Rates),
            storage: storage);
}
