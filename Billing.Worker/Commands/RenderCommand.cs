using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`render`: draw the PDFs that runs of a month stored their statements without.</summary>
public sealed class RenderCommand : BillingCommand
{
    private readonly Option<YearMonth> _period = CommandOptions.Period();
    private readonly Option<string> _operator = CommandOptions.Code("--operator", "only this operator's runs (default: every operator)");

    public RenderCommand()
        : base("render", "draw the PDFs a run left for later (checked against the approved figures first)")
    {
        Options.Add(_period);
        Options.Add(_operator);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var period = parse.GetValue(_period);
        var operatorCode = parse.GetValue(_operator) is { } op ? await KnownCodes.OperatorAsync(services, op, ct) : null;
        var undrawn = await new BillingRuns(services.GetRequiredService<NpgsqlDataSource>()).UndrawnAsync(period, operatorCode, ct);
        Console.WriteLine($"{undrawn.Sum(u => u.Missing)} statements of {BillingPeriod.Format(period)} in {undrawn.Count} communities have no PDF yet");
        var job = services.GetRequiredService<BillingRunJob>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ok = true;
        foreach (var (runId, community, _) in undrawn)
        {
            try
            {
                Console.WriteLine($"  run {runId} {await job.RenderAsync(runId, community, ct)}");
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
}
