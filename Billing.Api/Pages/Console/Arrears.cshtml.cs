using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Infrastructure.Excel;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>Arrears of one community (optionally one building) by unit and age, with the liaison leaders' notices and an Excel export.</summary>
public sealed class ArrearsModel(NpgsqlDataSource db, ConsoleQueries queries, IClock clock) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Community { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Building { get; set; }

    [BindProperty(SupportsGet = true, Name = "asOf")]
    public string? AsOfText { get; set; }

    public LocalDate AsOf { get; private set; }

    public IReadOnlyDictionary<string, string> Communities { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<HouseholdArrears> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnGetXlsxAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        var xlsx = Spreadsheets.Write("欠费", ["户号", "楼栋", "单元", "房号", "业主", "电话", "30天内（元）", "31-90天（元）", "91-180天（元）", "180天以上（元）", "逾期合计（元）", "未到期（元）"],
            Rows.Select(a => (IReadOnlyList<object?>)[a.Household, a.Details.Building, a.Details.Unit, a.Details.Room, a.Details.OwnerName, a.Details.Phone,
                a.Aging.Days0To30.Yuan, a.Aging.Days31To90.Yuan, a.Aging.Days91To180.Yuan, a.Aging.Over180.Yuan, a.Aging.Overdue.Yuan, a.Aging.NotYetDue.Yuan]));
        return File(xlsx, Spreadsheets.ContentType, $"欠费-{Community}-{AsOf:yyyy-MM-dd}.xlsx");
    }

    public async Task<IActionResult> OnGetNoticesAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return NotFound();
        }

        await using var cmd = db.CreateCommand("select name from operator where code = @o");
        cmd.Parameters.AddWithValue("o", Operator);
        var operatorName = await cmd.ExecuteScalarAsync(ct) as string ?? Operator;
        return File(PaymentDocuments.ReminderNotices(Communities[Community!], operatorName, AsOf, Rows), "application/pdf");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Communities = await queries.CommunityNamesAsync(Operator, ct);
        Community ??= Communities.Keys.FirstOrDefault();
        AsOf = LocalDatePattern.Iso.Parse(AsOfText ?? string.Empty) is { Success: true } parsed ? parsed.Value : ConsoleText.Today(clock);
        if (Community is null || !Communities.ContainsKey(Community))
        {
            return Community is null;
        }

        var all = await new PaymentStore(db).ArrearsAsync(Community, AsOf, ct);
        Rows = string.IsNullOrWhiteSpace(Building) ? all : all.Where(a => a.Details.Building.TrimStart('0') == Building.Trim().TrimStart('0')).ToList();
        return true;
    }
}
