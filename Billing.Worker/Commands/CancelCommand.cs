using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`cancel`: drop a run not yet issued, or an approved one stuck on a failed community; what it issued stays issued.</summary>
public sealed class CancelCommand : BillingCommand
{
    private readonly Option<long> _run = CommandOptions.RunNumber();

    public CancelCommand()
        : base("cancel", "drop a run not yet issued (what it issued stays issued)")
    {
        Options.Add(_run);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var runId = parse.GetValue(_run);
        await KnownCodes.RunAsync(services, runId, ct);
        var runs = new BillingRuns(services.GetRequiredService<NpgsqlDataSource>());

        try
        {
            await runs.CancelAsync(runId, ct);
        }
        catch (RunStateException refused)
        {
            throw new CommandException(refused.Message);
        }

        RunPrinter.Run((await runs.GetAsync(runId, ct))!);
        return 0;
    }
}
