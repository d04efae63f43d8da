using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`retry`: issue again the communities of an approved run that failed, once the cause is mended.</summary>
public sealed class RetryCommand : BillingCommand
{
    private readonly Option<long> _run = CommandOptions.RunNumber();

    public RetryCommand()
        : base("retry", "issue again the communities of an approved run that failed")
    {
        Options.Add(_run);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var runId = parse.GetValue(_run);
        await KnownCodes.RunAsync(services, runId, ct);

        await using var host = RunHost.Start(services);
        try
        {
            var communities = await host.Runs.RetryAsync(runId, ct);
            BillingRuns.EnqueueIssues(host.Jobs, runId, communities);
            Console.WriteLine($"Run {runId}: issuing again {communities.Count} communities: {string.Join(", ", communities)}");
            var run = await host.Runs.WaitAsync(runId, BillingRuns.Issued, TimeSpan.FromHours(2), RunPrinter.Progress, ct);
            RunPrinter.Run(run);
            return run.State == Core.Runs.RunState.Issued ? 0 : 1;
        }
        catch (RunStateException refused)
        {
            throw new CommandException(refused.Message);
        }
    }
}
