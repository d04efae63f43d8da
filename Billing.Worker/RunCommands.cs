using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker;

/// <summary>
/// Billing runs from the command line: draft, approve, issue, and the Hangfire server that does
/// the work. Commands that wait for a run host their own Hangfire server meanwhile, so they work
/// alone; any `serve` workers on the same database share the work with them.
/// </summary>
public static partial class Cli
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromHours(2);

    /// <summary>Hangfire servers in this process, with the services their jobs need.</summary>
    private sealed class RunHost : IAsyncDisposable
    {
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

        public static RunHost Start(IConfiguration configuration, BillingDatabase database, Core.Rates.RateCatalog rates, IReadOnlyList<string> serverNames, int workersPerServer = 2)
        {
            var storage = BillingHangfire.CreateStorage(database.ConnectionString);
            var host = new RunHost(storage, new BillingRuns(database.DataSource, SystemClock.Instance));
            var subsidies = LoadSubsidies(configuration);
            var parking = LoadParking(configuration);
            foreach (var name in serverNames)
            {
                // One service provider per server, so each records its own name beside the work it does.
                var services = BillingHangfire.JobServices(database.DataSource, rates, subsidies, parking: parking, storage: storage, workerName: name, liveness: RunLiveness.From(configuration));
                host._services.Add(services);
                host._servers.Add(BillingHangfire.StartServer(storage, services, name, workersPerServer));
            }

            return host;
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

    /// <summary>`run`: draft a month for an operator (or some of its communities) and show the totals to review.</summary>
    private static async Task<int> DraftRunAsync(IConfiguration configuration, IClock clock, Options options)
    {
        var period = options.Period ?? LastMonth(clock);
        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        await using var host = RunHost.Start(configuration, database, rates, [$"cli-{Environment.ProcessId}"]);
        var runs = await DraftForOperatorsAsync(host, database, period, options.Get("operator"), options.Get("communities"), options.Get("by") ?? Environment.UserName, RunTrigger.Command);
        return runs.All(r => r.Communities.All(c => c.Status == "drafted")) ? 0 : 1;
    }

    /// <summary>`approve`: finance staff approve a reviewed draft; its statements are then issued.</summary>
    private static async Task<int> ApproveRunAsync(IConfiguration configuration, Options options)
    {
        var runId = long.Parse(options.Require("run"), CultureInfo.InvariantCulture);
        var by = options.Require("by");
        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        await using var host = RunHost.Start(configuration, database, rates, [$"cli-{Environment.ProcessId}"]);
        var run = await ApproveAndIssueAsync(host, runId, by);
        return run.Status == "issued" ? 0 : 1;
    }

    /// <summary>`bill`: draft, approve and issue in one go, for staff who reviewed the month with `preview`.</summary>
    private static async Task<int> BillAsync(IConfiguration configuration, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("bill needs --period yyyy-MM.");
        var by = options.Require("by");
        var renderPdfs = (options.Get("pdfs") ?? "now") switch
        {
            "now" => true,
            "later" => false,
            var other => throw new ArgumentException($"--pdfs is 'now' or 'later', not '{other}'."),
        };
        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        await using var host = RunHost.Start(configuration, database, rates, [$"cli-{Environment.ProcessId}"]);
        var ok = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var drafts = await DraftForOperatorsAsync(host, database, period, options.Get("operator"), options.Get("communities"), by, RunTrigger.Command, renderPdfs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Drafted {drafts.Count} runs in {clock.Elapsed.TotalSeconds:0.0} s wall"));
        foreach (var draft in drafts)
        {
            clock.Restart();
            var issued = await ApproveAndIssueAsync(host, draft.Id, by);
            ok &= draft.Status == "draft" && issued.Status == "issued";
            PrintPhases(issued, clock.Elapsed);
        }

        PrintSummary(period, await new Infrastructure.Statements.StatementStore(database.DataSource).TotalsAsync(period), null, null);
        return ok ? 0 : 1;
    }

    private static async Task<int> ListRunsAsync(IConfiguration configuration, Options options)
    {
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var runs = new BillingRuns(database.DataSource);
        foreach (var op in options.Get("operator") is { } one ? [one] : await new BillingRuns(database.DataSource).OperatorsAsync())
        {
            var (list, total) = await runs.ListAsync(op, 0, 20);
            Console.WriteLine($"{op}: {total} runs");
            foreach (var run in list)
            {
                PrintRun(run);
            }
        }

        return 0;
    }

    /// <summary>`serve`: a worker. It registers each operator's monthly schedule, picks up what a stopped worker left, and works until Ctrl+C.</summary>
    private static async Task<int> ServeAsync(IConfiguration configuration, Options options)
    {
        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var workers = options.Get("workers") is { } w ? int.Parse(w, CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        await using var host = RunHost.Start(configuration, database, rates, [options.Get("name") ?? $"worker-{Environment.ProcessId}"], workers);
        var cron = options.Get("cron") ?? configuration["Billing:Schedule:Cron"] ?? BillingSchedule.DefaultCron;
        var operators = await BillingSchedule.RegisterAsync(new RecurringJobManager(host.Storage), database.DataSource, cron);
        Console.WriteLine($"Monthly billing scheduled ({cron}, Asia/Shanghai) for: {string.Join(", ", operators)}");
        Console.WriteLine($"Queued again after an interrupted worker: {await host.Runs.ResumeAsync(host.Jobs)} community jobs");
        RunLiveness.From(configuration).RegisterSweeper(new RecurringJobManager(host.Storage));
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.WriteLine($"Hangfire server running with {workers} workers; Ctrl+C stops it.");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("Stopping.");
        }

        return 0;
    }

    private static async Task<List<RunView>> DraftForOperatorsAsync(
        RunHost host, BillingDatabase database, YearMonth period, string? operatorCode, string? communities, string by, RunTrigger trigger, bool renderPdfs = true)
    {
        var wanted = communities?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var drafted = new List<RunView>();
        foreach (var op in operatorCode is { } one ? [one] : await new BillingRuns(database.DataSource).OperatorsAsync())
        {
            var created = await host.Runs.CreateAsync(new RunRequest(period, op, wanted, by, trigger, renderPdfs));
            BillingRuns.EnqueueDrafts(host.Jobs, created.RunId, created.Communities);
            Console.WriteLine($"Run {created.RunId}: drafting {BillingPeriod.Format(period)} for {op}, {created.Communities.Count} communities, one Hangfire job each");
            var run = await host.Runs.WaitAsync(created.RunId, BillingRuns.Drafted, RunTimeout);
            PrintDraft(run);
            drafted.Add(run);
        }

        return drafted;
    }

    private static async Task<RunView> ApproveAndIssueAsync(RunHost host, long runId, string by)
    {
        var communities = await host.Runs.ApproveAsync(runId, by);
        BillingRuns.EnqueueIssues(host.Jobs, runId, communities);
        Console.WriteLine($"Run {runId}: approved by {by}; issuing {communities.Count} communities");
        var run = await host.Runs.WaitAsync(runId, BillingRuns.Issued, RunTimeout, r =>
        {
            if (r.Status == "approved")
            {
                // Only the communities under way: a city has hundreds, and the total says the rest.
                var underWay = r.Communities.Where(c => c.Status == "issuing" && c.HouseholdsDone < c.HouseholdsTotal).Select(c => $"{c.Community} {c.HouseholdsDone}/{c.HouseholdsTotal}");
                var finished = r.Communities.Count(c => c.Status is "issued" or "failed");
                Console.WriteLine($"  issuing: {r.HouseholdsDone}/{r.HouseholdsTotal} households, {finished}/{r.Communities.Count} communities done; under way: {string.Join(", ", underWay)}");
            }
        });
        PrintRun(run);
        return run;
    }

    /// <summary>
    /// Where the time of issuing went: its wall time, and the time the community jobs spent
    /// computing, storing and drawing, summed over jobs that ran side by side.
    /// </summary>
    private static void PrintPhases(RunView run, TimeSpan issuing)
    {
        var sum = IssueTimings.Sum(run.Communities.Select(c => c.Timings).OfType<IssueTimings>());
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  run {run.Id}: approved and issued in {issuing.TotalSeconds:0.0} s wall; in its community jobs (summed): compute {sum.Compute.TotalSeconds:0.0} s, store {sum.Store.TotalSeconds:0.0} s, draw PDFs {sum.Render.TotalSeconds:0.0} s; {run.PdfsDone} PDFs"));
    }

    /// <summary>`render`: draw the PDFs that runs of a month stored their statements without.</summary>
    private static async Task<int> RenderPdfsAsync(IConfiguration configuration, Options options)
    {
        var period = options.Period ?? throw new ArgumentException("render needs --period yyyy-MM.");
        var rates = LoadRates(configuration);
        using var database = BillingDatabase.Open(configuration, "demo", Console.Out);
        var runs = new BillingRuns(database.DataSource);
        var undrawn = await runs.UndrawnAsync(period, options.Get("operator"));
        Console.WriteLine($"{undrawn.Sum(u => u.Missing)} statements of {BillingPeriod.Format(period)} in {undrawn.Count} communities have no PDF yet");
        await using var services = BillingHangfire.JobServices(
            database.DataSource, rates, LoadSubsidies(configuration), parking: LoadParking(configuration));
        var job = services.GetRequiredService<BillingRunJob>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ok = true;
        foreach (var (runId, community, missing) in undrawn)
        {
            try
            {
                Console.WriteLine($"  run {runId} {await job.RenderAsync(runId, community, CancellationToken.None)}");
            }
            catch (RunStateException refused)
            {
                Console.WriteLine($"  run {runId} {refused.Message}");
                ok = false;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Done in {clock.Elapsed.TotalSeconds:0.0} s."));
        return ok ? 0 : 1;
    }

    /// <summary>Communities listed one by one up to this many; a city-size run is shown by line kind, with only the communities that need attention.</summary>
    private const int ListedCommunities = 50;

    private static void PrintDraft(RunView run)
    {
        PrintRun(run);
        var rows = run.Communities.Count <= ListedCommunities
            ? run.Communities.SelectMany(c => c.Totals.Select(t => (c.Community, Total: t)))
            : run.Communities.SelectMany(c => c.Totals)
                .GroupBy(t => t.Kind)
                .Select(g => ($"{run.Communities.Count} communities", Total: new DraftLineTotal(g.Key, g.Sum(t => t.Lines), g.Sum(t => t.Households), Core.Money.Sum(g.Select(t => t.Amount)))));
        foreach (var (community, t) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {community,-10} {t.Kind,-22} {t.Lines,6} lines {t.Households,6} households {t.Amount.Yuan,14:0.00}"));
        }
    }

    private static void PrintRun(RunView run)
    {
        var approval = run.ApprovedBy is null ? string.Empty : $", approved by {run.ApprovedBy}";
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  run {run.Id} {BillingPeriod.Format(run.Period)} {run.Status}: {run.HouseholdsDone}/{run.HouseholdsTotal} households, {run.Total.Yuan:0.00} yuan{approval}"));
        var listed = run.Communities.Count <= ListedCommunities ? run.Communities : run.Communities.Where(c => c.Problem is not null).ToList();
        if (listed.Count < run.Communities.Count)
        {
            var byStatus = run.Communities.GroupBy(c => c.Status).Select(g => $"{g.Count()} {g.Key}");
            Console.WriteLine($"    {run.Communities.Count} communities: {string.Join(", ", byStatus)}; those with a problem below, every one with `runs` or GET /api/runs/{run.Id}");
        }

        foreach (var c in listed)
        {
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"    {c.Community,-10} {c.Status,-8} {c.HouseholdsDone,5}/{c.HouseholdsTotal,-5} new {c.StatementsNew,5} existing {c.StatementsExisting,5} by {c.Worker}{(c.Problem is null ? string.Empty : " — " + c.Problem)}"));
        }
    }
}
