using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api.Pages.Console;

public sealed record RunCommunityRow(RunCommunityView Community, string Name, Money? Last)
{
    public bool Failed => Community.State == CommunityRunState.Failed || Community.Problem is not null;

    public Money? Change => Last is { } l ? Community.Total - l : null;
}

public sealed record RunKindRow(string Name, string Kind, int Lines, int Households, Money This, Money Last);

[Authorize(Policy = ConsoleAccess.Staff)]
public sealed class RunModel(NpgsqlDataSource db, ConsoleQueries queries) : ConsolePageModel
{
    public RunView? Run { get; private set; }

    public IReadOnlyList<RunCommunityRow> Rows { get; private set; } = [];

    public IReadOnlyList<RunKindRow> Kinds { get; private set; } = [];

    public Money LastTotal { get; private set; }

    public bool IsDrafter { get; private set; }

    /// <summary>Whether last month was issued at all: without it there is nothing to compare, which is not the same as zero.</summary>
    public bool HasLast { get; private set; }

    public bool InProgress => Run is { State: RunState.Drafting } || (Run is { State: RunState.Approved } && !BillingRuns.Issued(Run));

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        Run = await OwnRunAsync(db, id, Operator, ct);
        if (Run is null)
        {
            return NotFound();
        }

        var names = await queries.CommunityNamesAsync(Operator, ct);
        var last = await queries.IssuedTotalsAsync(Operator, Run.Period.PlusMonths(-1), ct);
        Money? LastOf(string community) =>
            last.Any(l => l.Community == community) ? Money.Sum(last.Where(l => l.Community == community).Select(l => l.Amount)) : null;
        Rows = Run.Communities
            .Select(c => new RunCommunityRow(c, names.GetValueOrDefault(c.Community, c.Community), LastOf(c.Community)))
            .OrderByDescending(r => r.Failed)
            .ThenByDescending(r => Math.Abs(r.Change?.Yuan ?? decimal.MaxValue))
            .ToList();
        HasLast = last.Count > 0;
        LastTotal = Money.Sum(last.Where(l => Run.Communities.Any(c => c.Community == l.Community)).Select(l => l.Amount));
        Kinds = Run.Communities
            .SelectMany(c => c.Totals.Select(t => (c.Community, t.Kind, t.Lines, t.Households, This: t.Amount))
                .Concat(last.Where(l => l.Community == c.Community && c.Totals.All(t => t.Kind != l.Kind)).Select(l => (c.Community, l.Kind, Lines: 0, Households: 0, This: Money.Zero))))
            .Select(k => new RunKindRow(names.GetValueOrDefault(k.Community, k.Community), k.Kind, k.Lines, k.Households, k.This,
                Money.Sum(last.Where(l => l.Community == k.Community && l.Kind == k.Kind).Select(l => l.Amount))))
            .OrderByDescending(k => Math.Abs((k.This - k.Last).Yuan))
            .ToList();
        IsDrafter = await queries.DrafterAsync(id, ct) is { } drafter && drafter.UserName == Person.UserName;
        return Page();
    }

    /// <summary>The run if it is this operator's; another operator's run is not found.</summary>
    public static async Task<RunView?> OwnRunAsync(NpgsqlDataSource db, long id, string operatorCode, CancellationToken ct) =>
        await new BillingRuns(db).GetAsync(id, ct) is { } run && run.OperatorCode == operatorCode ? run : null;
}
