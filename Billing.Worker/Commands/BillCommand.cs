using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`bill`: draft, approve and issue in one go, for staff who reviewed the month with `preview`.</summary>
public sealed class BillCommand : BillingCommand
{
    private readonly Option<YearMonth> _period = CommandOptions.Period();
    private readonly Option<string> _by = CommandOptions.Text("--by", "who bills (recorded as requester and approver)", required: true);
    private readonly Option<string> _operator = CommandOptions.Code("--operator", "only this operator's communities (default: every operator)");
    private readonly Option<string[]?> _communities = CommandOptions.CodeList("--communities", "only these communities, comma-separated");
    private readonly Option<string> _pdfs = CommandOptions.OneOf("--pdfs", "draw the PDFs now, or store the statements and leave their PDFs to `render`", ["now", "later"], fallback: "now");

    public BillCommand()
        : base("bill", "draft, approve and issue in one go (after a `preview`), with the time each phase took")
    {
        Options.Add(_period);
        Options.Add(_by);
        Options.Add(_operator);
        Options.Add(_communities);
        Options.Add(_pdfs);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var period = parse.GetValue(_period);
        var by = parse.GetRequiredValue(_by);
        var (operatorCode, communities) = await Scope.CheckAsync(services, parse.GetValue(_operator), parse.GetValue(_communities), ct);
        RunPrinter.Rates(services.GetRequiredService<Core.Rates.RateCatalog>());
        await using var host = RunHost.Start(services);
        var ok = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var drafts = await host.DraftAsync(services, period, operatorCode, communities, by, RunTrigger.Command, parse.GetValue(_pdfs) == "now", ct);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Drafted {drafts.Count} runs in {clock.Elapsed.TotalSeconds:0.0} s wall"));
        foreach (var draft in drafts)
        {
            clock.Restart();
            var issued = await host.ApproveAndIssueAsync(draft.Id, by, ct);
            ok &= draft.State == RunState.Draft && issued.State == RunState.Issued;
            RunPrinter.Phases(issued, clock.Elapsed);
        }

        RunPrinter.Summary(period, await new StatementStore(services.GetRequiredService<NpgsqlDataSource>()).TotalsAsync(period, ct), null, null);
        return ok ? 0 : 1;
    }
}
