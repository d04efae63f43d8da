using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// Hangfire servers inside a command that waits for a run (run, approve, bill, demo), so it works
/// alone; `serve` workers on the same database share the work with them. One service provider per
/// server, so each records its own name beside the work it does; the rules are the host's, read once.
/// </summary>
public sealed class RunHost : IAsyncDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromHours(2);
    private readonly List<BackgroundJobServer> _servers = [];
    private readonly List<ServiceProvider> _services = [];

    private RunHost(JobStorage storage, BillingRuns runs)
    {
        Storage = storage;
        Runs = runs;
        Jobs = new BackgroundJobClient(storage);
    }

    public JobStorage Storage { get; }

    public BillingRuns Runs { get; }

    public IBackgroundJobClient Jobs { get; }

    public static RunHost Start(IServiceProvider services, IReadOnlyList<string>? serverNames = null, int workersPerServer = 2)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var storage = services.GetRequiredService<JobStorage>();
        var host = new RunHost(storage, new BillingRuns(dataSource, services.GetRequiredService<IClock>()));
        foreach (var name in serverNames ?? [$"cli-{Environment.ProcessId}"])
        {
            var jobServices = BillingHangfire.JobServices(
                dataSource,
                services.GetRequiredService<RateCatalog>(),
                services.GetRequiredService<SubsidyCatalog>(),
                services.GetRequiredService<StatementCalendar>(),
                services.GetRequiredService<Core.Parking.ParkingRateBook>(),
                storage,
                name,
                services.GetRequiredService<IClock>(),
                services.GetRequiredService<RunLiveness>(),
                services.GetRequiredService<Infrastructure.Documents.DocumentContext>());
            host._services.Add(jobServices);
            host._servers.Add(BillingHangfire.StartServer(storage, jobServices, name, workersPerServer));
        }

        return host;
    }

    /// <summary>Drafts the month for one operator (or all) and prints the totals to review.</summary>
    public async Task<List<RunView>> DraftAsync(
        IServiceProvider services, YearMonth period, string? operatorCode, IReadOnlyList<string>? communities, string by, RunTrigger trigger, bool renderPdfs, CancellationToken ct)
    {
        var drafted = new List<RunView>();
        foreach (var op in operatorCode is { } one ? [one] : await Runs.OperatorsAsync(ct))
        {
            var created = await Runs.CreateAsync(new RunRequest(period, op, communities, by, trigger, renderPdfs), ct);
            BillingRuns.EnqueueDrafts(Jobs, created.RunId, created.Communities);
            Console.WriteLine($"Run {created.RunId}: drafting {BillingPeriod.Format(period)} for {op}, {created.Communities.Count} communities, one Hangfire job each");
            var run = await Runs.WaitAsync(created.RunId, BillingRuns.Drafted, RunTimeout, ct: ct);
            RunPrinter.Draft(run);
            drafted.Add(run);
        }

        return drafted;
    }

    /// <summary>Approves a drafted run and waits while its statements are issued, showing progress.</summary>
    public async Task<RunView> ApproveAndIssueAsync(long runId, string by, CancellationToken ct)
    {
        var communities = await Runs.ApproveAsync(runId, by, ct);
        BillingRuns.EnqueueIssues(Jobs, runId, communities);
        Console.WriteLine($"Run {runId}: approved by {by}; issuing {communities.Count} communities");
        var run = await Runs.WaitAsync(runId, BillingRuns.Issued, RunTimeout, RunPrinter.Progress, ct);
        RunPrinter.Run(run);
        return run;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.SendStop();
        }

        foreach (var server in _servers)
        {
            server.Dispose();
        }

        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }
    }
}
