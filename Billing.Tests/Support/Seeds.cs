using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Tests.Support;

/// <summary>Database contents that many tests start from.</summary>
public static class Seeds
{
    /// <summary>The Heze sample imported.</summary>
    public static readonly TestSeed SampleRegistered = new("sample_registered", SampleRegister.ImportAsync);

    /// <summary>The Heze sample imported and October 2026 billed with the Heze subsidy (no scores yet).</summary>
    public static readonly TestSeed SampleBilledOctober = new("sample_billed_2026_10", async db =>
    {
        await SampleRegister.ImportAsync(db);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), RateDirectory.LoadSubsidies(RepositoryPaths.Rates));
        await RunMonth.IssueAsync(services, db.DataSource, "2026-10");
    });
}
