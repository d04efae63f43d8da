using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Worker.Commands;

/// <summary>`run`: draft a month for an operator (or some of its communities) and show the totals to review.</summary>
public sealed class RunCommand : BillingCommand
{
    private readonly Option<YearMonth?> _period = CommandOptions.OptionalPeriod("the billing month, yyyy-MM (default: last month)");
    private readonly Option<string> _operator = CommandOptions.Code("--operator", "only this operator's communities (default: every operator)");
    private readonly Option<string[]?> _communities = CommandOptions.CodeList("--communities", "only these communities, comma-separated");
    private readonly Option<string> _by = CommandOptions.Text("--by", "who asks for the run (default: the user name)");

    public RunCommand()
        : base("run", "draft a billing run (one Hangfire job per community) and print its totals per community and line kind for review")
    {
        Options.Add(_period);
        Options.Add(_operator);
        Options.Add(_communities);
        Options.Add(_by);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parse, IServiceProvider services, CancellationToken ct)
    {
        var period = parse.GetValue(_period) ?? BillingDay.LastMonth(services.GetRequiredService<IClock>());
        var (operatorCode, communities) = await Scope.CheckAsync(services, parse.GetValue(_operator), parse.GetValue(_communities), ct);
        await using var host = RunHost.Start(services);
        var runs = await host.DraftAsync(services, period, operatorCode, communities, parse.GetValue(_by) ?? Environment.UserName, RunTrigger.Command, renderPdfs: true, ct);
        return runs.All(r => r.Communities.All(c => c.State == Core.Runs.CommunityRunState.Drafted)) ? 0 : 1;
    }
}

/// <summary>Which operator and communities a run covers, checked against the register before anything is drafted.</summary>
public static class Scope
{
    public static async Task<(string? Operator, IReadOnlyList<string>? Communities)> CheckAsync(
        IServiceProvider services, string? operatorCode, string[]? communities, CancellationToken ct)
    {
        if (operatorCode is not null)
        {
            await KnownCodes.OperatorAsync(services, operatorCode, ct);
        }

        if (communities is not null)
        {
            foreach (var c in await KnownCodes.CommunitiesAsync(services, communities, ct))
            {
                if (operatorCode is not null && c.OperatorCode != operatorCode)
                {
                    throw new CommandException($"Community '{c.Code.Value}' belongs to operator '{c.OperatorCode}', not '{operatorCode}'.");
                }
            }
        }

        return (operatorCode, communities);
    }
}
