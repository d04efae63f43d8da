using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>
/// `demo`: the whole month on the Heze sample communities, as finance staff would do it: import,
/// bill through Hangfire, statements, subsidy reconciliation, payments, arrears and accounts.
/// </summary>
public sealed class DemoCommand : BillingCommand
{
    private readonly Option<YearMonth?> _period = CommandOptions.OptionalPeriod("the month to bill, yyyy-MM (default: the month the sample's story tells, samples/heze/story.json)");
    private readonly Option<string> _out = CommandOptions.OutDirectory();

    public DemoCommand()
        : base("demo", "import the sample communities, bill the month their story tells through Hangfire, and write every document of it under --out")
    {
        Options.Add(_period);
        Options.Add(_out);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var clock = services.GetRequiredService<IClock>();
        // The sample tells one month's story (samples/heze/story.json); --period bills another month instead.
        var story = Infrastructure.Demo.DemoStory.Load(Path.Combine(RepositoryPaths.Samples, "heze"));
        var period = parse.GetValue(_period) ?? story.Period;
        var outRoot = parse.GetRequiredValue(_out);
        var outDir = Path.Combine(outRoot, "statements");
        Console.WriteLine($"RedProperty.Billing demo: billing {BillingPeriod.Format(period)} for the Heze sample communities");

        var rates = services.GetRequiredService<Core.Rates.RateCatalog>();
        RunPrinter.Rates(rates);
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var register = new RegisterStore(dataSource);
        var imported = await register.ImportAsync(RegisterFiles.ReadFolder(Path.Combine(RepositoryPaths.Samples, "heze")), BillingDay.Today(clock), rates, ct);
        RunPrinter.Import(imported);

        await DemoSamples.PointsAsync(services, period);
        await DemoSamples.ParkingAsync(services, period);
        RunPrinter.Subsidies(services.GetRequiredService<Core.Subsidies.SubsidyCatalog>());

        // Two Hangfire servers share the run's community jobs, as two Worker processes on two machines would.
        var issued = true;
        await using (var host = RunHost.Start(services, ["worker-a", "worker-b"], workersPerServer: 1))
        {
            foreach (var draft in await host.DraftAsync(services, period, null, null, "schedule-demo", RunTrigger.Command, renderPdfs: true, ct))
            {
                issued &= draft.State == RunState.Draft && (await host.ApproveAndIssueAsync(draft.Id, "演示财务 (demo finance staff)", ct)).State == RunState.Issued;
            }
        }

        var store = new StatementStore(dataSource);
        var written = await store.ExportPdfsAsync(period, outDir, ct);
        RunPrinter.Summary(period, await store.TotalsAsync(period, ct), written, outDir);

        await ScoresCommand.RecordAsync(services, Path.Combine(RepositoryPaths.Samples, "heze", "scores.csv"));
        var communities = await register.CommunitiesAsync(ct);
        foreach (var district in communities.Select(c => c.District).Distinct())
        {
            await ReconcileCommand.WriteAsync(services, district, period, Path.Combine(outRoot, "reconciliation"));
        }

        // The sample payments are for October 2026's statements; for other months they are simply early credit.
        var (recorded, duplicates) = await PaymentsCommand.ImportAsync(services, Path.Combine(RepositoryPaths.Samples, "heze", "payments.csv"), null, ct);
        Console.WriteLine();
        Console.WriteLine($"Payments: {recorded} recorded, {duplicates} already recorded and ignored");
        var asOf = parse.GetValue(_period) is null ? story.AsOf : BillingDay.Today(clock);
        await CollectionCommand.PrintAsync(services, period, asOf, ct);

        // Receipts, arrears and reminders, parking invoices, the 明白账 and the reconciliation, all under --out.
        Console.WriteLine();
        Console.WriteLine($"Documents of the story (arrears as of {asOf:yyyy-MM-dd}) -> {outRoot}");
        await (story with { Period = period, AsOf = asOf }).WriteDocumentsAsync(dataSource, services.GetRequiredService<Core.Subsidies.SubsidyCatalog>(), outRoot, Console.Out, ct);

        await StaffAdminCommand.PrintDemoAccountsAsync(dataSource, ct);
        await DistrictAccountCommand.PrintDemoAccountsAsync(dataSource, communities.Select(c => c.District), ct);
        Console.WriteLine($"Done in {total.Elapsed.TotalSeconds:0.0} s.");
        return issued ? 0 : 1;
    }
}
