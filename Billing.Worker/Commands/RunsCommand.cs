using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`runs`: recent runs of each operator, with their state and progress.</summary>
public sealed class RunsCommand : BillingCommand
{
    private readonly Option<string> _operator = CommandOptions.Code("--operator", "only this operator (default: every operator)");

    public RunsCommand()
        : base("runs", "recent runs with their state and progress")
    {
        Options.Add(_operator);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var runs = new BillingRuns(services.GetRequiredService<NpgsqlDataSource>());
        var only = parse.GetValue(_operator) is { } one ? await KnownCodes.OperatorAsync(services, one, ct) : null;
        foreach (var op in only is not null ? [only] : await runs.OperatorsAsync(ct))
        {
            var (list, total) = await runs.ListAsync(op, 0, 20, ct);
            Console.WriteLine($"{op}: {total} runs");
            foreach (var run in list)
            {
                RunPrinter.Run(run);
            }
        }

        return 0;
    }
}
