using Dapper;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Excel;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>The lists finance officers take into Excel: collection rate, a run's totals and the subsidy reconciliation, for the signed-in person's operator only.</summary>
[Authorize(Policy = ConsoleAccess.ClerkOrManager)]
public sealed class ReportsModel(NpgsqlDataSource db, ConsoleQueries queries, SubsidyCatalog subsidies, IClock clock) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? AsOf { get; set; }

    public YearMonth Month { get; private set; }

    public LocalDate Day { get; private set; }

    public IReadOnlyList<CommunityCollection> Collection { get; private set; } = [];

    public IReadOnlyList<RunView> Runs { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Collection = await CollectionAsync(ct);
        Runs = (await new BillingRuns(db).RecentAsync(Operator, 24, ct)).Where(r => r.State is RunState.Draft or RunState.Approved or RunState.Issued).ToList();
    }

    public async Task<IActionResult> OnGetCollectionXlsxAsync(CancellationToken ct)
    {
        var rows = await CollectionAsync(ct);
        return File(FinanceWorkbooks.Collection(Month, Day, rows), Spreadsheets.ContentType, $"收缴率-{Month:yyyy-MM}-截至{Day:yyyy-MM-dd}.xlsx");
    }

    public async Task<IActionResult> OnGetRunTotalsXlsxAsync(long run, CancellationToken ct)
    {
        if (await RunModel.OwnRunAsync(db, run, Operator, ct) is not { } view)
        {
            return NotFound();
        }

        var names = await queries.CommunityNamesAsync(Operator, ct);
        var rows = view.Communities
            .OrderBy(c => c.Community, StringComparer.Ordinal)
            .SelectMany(c => c.Totals.OrderBy(t => t.Kind, StringComparer.Ordinal).Select(t =>
                new RunKindTotal(c.Community, names.GetValueOrDefault(c.Community, c.Community), t.Kind, ConsoleText.Kind(t.Kind), t.Lines, t.Households, t.Amount)))
            .ToList();
        return File(FinanceWorkbooks.RunTotals(view.Id, view.Period, rows), Spreadsheets.ContentType, $"出账合计-批次{view.Id}-{view.Period:yyyy-MM}.xlsx");
    }

    public async Task<IActionResult> OnGetReconciliationXlsxAsync(CancellationToken ct)
    {
        Parse();
        var mine = await queries.CommunityNamesAsync(Operator, ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        var districts = await connection.QueryAsync<string>(new CommandDefinition(
            "select distinct district from community where operator_code = @operatorCode order by district", new { operatorCode = Operator }, cancellationToken: ct));
        var store = new SubsidyStore(db, subsidies);
        var rows = new List<ReconciliationRow>();
        foreach (var district in districts)
        {
            // A district's reconciliation covers every operator serving it; the console shows only this operator's communities.
            rows.AddRange((await store.ReconcileAsync(district, Month, ct)).Where(r => mine.ContainsKey(r.CommunityCode)));
        }

        return File(FinanceWorkbooks.Reconciliation(Month, rows), Spreadsheets.ContentType, $"对账-{Month:yyyy-MM}.xlsx");
    }

    private async Task<IReadOnlyList<CommunityCollection>> CollectionAsync(CancellationToken ct)
    {
        Parse();
        var payments = new PaymentStore(db);
        var result = new List<CommunityCollection>();
        foreach (var (code, name) in await queries.CommunityNamesAsync(Operator, ct))
        {
            result.Add(new CommunityCollection(code, name, await payments.CollectionRateAsync([code], Month, Day, ct)));
        }

        return result;
    }

    /// <summary>The month asked for (last month when none or unreadable) and the day to count payments to (today when none).</summary>
    private void Parse()
    {
        Day = LocalDatePattern.Iso.Parse(AsOf ?? string.Empty) is { Success: true } day ? day.Value : ConsoleText.Today(clock);
        Month = YearMonthPattern.Iso.Parse(Period ?? string.Empty) is { Success: true } month ? month.Value : ConsoleText.Today(clock).ToYearMonth().PlusMonths(-1);
        Period = Month.ToString("yyyy-MM", null);
        AsOf = Day.ToString("yyyy-MM-dd", null);
    }
}
