using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Register;

namespace RedProperty.Billing.Tests.Support;

/// <summary>The Heze sample register and rate files that ship in the repository.</summary>
public static class SampleRegister
{
    public static string CommunitiesFile => Path.Combine(RepositoryPaths.Samples, "heze", "communities.csv");

    public static string HouseholdsFile => Path.Combine(RepositoryPaths.Samples, "heze", "households.csv");

    public static RateCatalog Rates() => RateDirectory.Load(RepositoryPaths.Rates);

    public static IReadOnlyList<Community> Communities()
    {
        using var reader = RegisterCsv.OpenFile(CommunitiesFile);
        return RegisterCsv.ReadCommunities("communities.csv", reader);
    }

    public static IReadOnlyList<Sourced<Household>> Households()
    {
        using var reader = RegisterCsv.OpenFile(HouseholdsFile);
        return RegisterCsv.ReadHouseholds("households.csv", reader);
    }

    public static async Task ImportAsync(TestDatabase db) =>
        await new RegisterStore(db.DataSource).ImportAsync(Communities(), Households());
}
