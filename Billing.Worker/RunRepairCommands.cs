using System.Globalization;
using Microsoft.Extensions.Configuration;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker;

/// <summary>`retry` and `cancel`: what finance staff do with a run one of whose communities failed to issue.</summary>
public static partial class Cli
{
    /// <summary>`retry --run ID`: issue again the communities of an approved run that failed, and wait for them.</summary>
    private static async Task<int> RetryRunAsync(IConfiguration configuration, Options options)
    {
        var runId = long.Parse(options.Require("run"), CultureInfo.InvariantCulture);
        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        await using var host = RunHost.Start(configuration, database, rates, [$"cli-{Environment.ProcessId}"]);
        var communities = await host.Runs.RetryAsync(runId);
        BillingRuns.EnqueueIssues(host.Jobs, runId, communities);
        Console.WriteLine($"Run {runId}: issuing again {communities.Count} communities: {string.Join(", ", communities)}");
        var run = await host.Runs.WaitAsync(runId, BillingRuns.Issued, RunTimeout);
        PrintRun(run);
        return run.Status == "issued" ? 0 : 1;
    }

    /// <summary>`cancel --run ID`: drop a run that is not approved, or an approved one that is stuck; what it issued stays issued.</summary>
    private static async Task<int> CancelRunAsync(IConfiguration configuration, Options options)
    {
        var runId = long.Parse(options.Require("run"), CultureInfo.InvariantCulture);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var runs = new BillingRuns(database.DataSource);
        await runs.CancelAsync(runId);
        PrintRun((await runs.GetAsync(runId))!);
        return 0;
    }
}
