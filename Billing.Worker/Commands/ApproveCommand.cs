using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`approve`: finance staff approve a reviewed draft; its statements are then issued.</summary>
public sealed class ApproveCommand : BillingCommand
{
    private readonly Option<long> _run = CommandOptions.RunNumber();

    private readonly Option<string> _by = CommandOptions.Text("--by", "who approves (recorded with the run)", required: true);

    public ApproveCommand()
        : base("approve", "approve a drafted run; its statements are then issued")
    {
        Options.Add(_run);
        Options.Add(_by);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var runId = parse.GetValue(_run);
        await KnownCodes.RunAsync(services, runId, ct);

        await using var host = RunHost.Start(services);

        try
        {
            var run = await host.ApproveAndIssueAsync(runId, parse.GetRequiredValue(_by), ct);
            return run.State == Core.Runs.RunState.Issued ? 0 : 1;
        }
        catch (RunStateException refused)
        {
            throw new CommandException(refused.Message);
        }
    }
}
