using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Accounts;
using RedProperty.Billing.Infrastructure.Excel;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>
/// A community's accounts (明白账) for a month: income by source, spending by category with every
/// entry and its voucher number, the balance; clerks record entries here; .xlsx and the PDF notice.
/// </summary>
public sealed class CommunityAccountsPageModel(NpgsqlDataSource db, SubsidyCatalog subsidies, StaffAudit audit, IClock clock) : ConsoleFormModel
{
    public const string EntryForm = "entry";

    [BindProperty(SupportsGet = true)]
    public string? Community { get; set; }

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? PeriodText { get; set; }

    public YearMonth Period { get; private set; }

    public IReadOnlyList<OperatorCommunity> Communities { get; private set; } = [];

    public Core.Accounts.CommunityAccountsModel? Accounts { get; private set; }

    public IReadOnlyDictionary<long, string> Authors { get; private set; } = new Dictionary<long, string>();

    public LocalDate Today => ConsoleText.Today(clock);

    public string CommunityName => Communities.FirstOrDefault(c => c.Code == Community)?.Name ?? Community ?? string.Empty;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnGetXlsxAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct) || Accounts is not { } a)
        {
            return NotFound();
        }

        var rows = new List<IReadOnlyList<object?>>();
        foreach (var line in a.Income)
        {
            rows.Add(["收入", line.Label, null, null, null, line.Amount.Yuan, string.Join("；", line.Basis), null]);
        }

        foreach (var line in a.Spending.Where(l => l.Entries.Count > 0))
        {
            rows.Add(["支出", line.Category.Label, null, null, null, line.Amount.Yuan, $"{line.Entries.Count} 笔分录", null]);
        }

        foreach (var e in a.Input.Entries.OrderBy(e => e.Id))
        {
            rows.Add([e.Category.Direction == EntryDirection.Income ? "收入分录" : "支出分录", e.Category.Label, e.Reference, e.Description, e.EnteredOn, e.Amount.Yuan,
                e.Corrects is { } c ? $"更正分录 #{c}" : $"分录 #{e.Id}", Authors.GetValueOrDefault(e.Id)]);
        }

        rows.Add(["合计", "收入合计", null, null, null, a.TotalIncome.Yuan, null, null]);
        rows.Add(["合计", "支出合计", null, null, null, a.TotalSpending.Yuan, null, null]);
        rows.Add(["合计", "本月结余", null, null, null, a.Balance.Yuan, null, null]);
        var xlsx = Spreadsheets.Write("社区账户", ["类型", "项目", "凭证号", "摘要", "日期", "金额（元）", "说明", "登记人"], rows);
        return File(xlsx, Spreadsheets.ContentType, $"社区账户-{Community}-{ConsoleInput.Iso(Period)}.xlsx");
    }

    public async Task<IActionResult> OnGetPdfAsync(CancellationToken ct) =>
        await LoadAsync(ct) && Accounts is { } a ? File(CommunityAccountsPdf.Render(a), "application/pdf") : NotFound();

    public async Task<IActionResult> OnPostEntryAsync(
        string? category, string? amount, string? reference, string? description, string? enteredOn, string? corrects, CancellationToken ct)
    {
        if (!Has(StaffRole.Clerk))
        {
            return Forbid(ConsoleAccess.Scheme);
        }

        if (!await LoadAsync(ct) || Accounts is null)
        {
            return NotFound();
        }

        // One list names both: "spending:repairs", "income:charging".
        var parts = (category ?? string.Empty).Split(':', 2);
        if (!AccountsCategory.TryParseDirection(parts[0], out var parsedDirection) || parts.Length < 2
            || !AccountsCategory.TryParse(parsedDirection, parts[1], out var parsedCategory))
        {
            parsedCategory = default;
            Fail(EntryForm, "category", "请选择收支类别");
        }

        long? correctsId = null;
        if (!string.IsNullOrWhiteSpace(corrects))
        {
            if (long.TryParse(corrects.Trim().TrimStart('#'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                correctsId = id;
            }
            else
            {
                Fail(EntryForm, "corrects", "填写被更正分录的编号（如 12），不更正则留空");
            }
        }

        if (!ConsoleInput.TryAmount(amount, correctsId is not null, out var money, out var amountProblem))
        {
            Fail(EntryForm, "amount", amountProblem);
        }

        if (ConsoleInput.TextProblem(reference, 64) is { } referenceProblem)
        {
            Fail(EntryForm, "reference", referenceProblem);
        }

        if (ConsoleInput.TextProblem(description, 60) is { } descriptionProblem)
        {
            Fail(EntryForm, "description", descriptionProblem);
        }

        var on = Today;
        if (!string.IsNullOrWhiteSpace(enteredOn) && !ConsoleInput.TryDate(enteredOn, out on))
        {
            Fail(EntryForm, "enteredOn", "日期如 2026-10-31");
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var input = new AccountsEntryInput(Community!, Period, parsedCategory, money, reference!.Trim(), description!.Trim(), on, correctsId);
        RecordedEntry recorded;
        try
        {
            recorded = await new CommunityAccountsStore(db, subsidies).RecordAsync(input, Person.Signature, ct);
        }
        catch (InputRejectedException rejected)
        {
            foreach (var e in rejected.Errors)
            {
                Fail(EntryForm, e.Field ?? "amount", Explain(e));
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var entry = recorded.Entry;
        if (recorded.Duplicate)
        {
            Notice = $"凭证号 {entry.Reference} 已登记为分录 #{entry.Id}，内容相同，未重复记账。";
        }
        else
        {
            await audit.RecordAsync(Person, "登记社区账户分录", $"社区账户 {Community} {ConsoleText.Month(Period)}",
                $"分录 #{entry.Id} {entry.Category.Label} {entry.Amount.ToFenString()} 元，凭证号 {entry.Reference}{(entry.Corrects is { } c ? $"，更正 #{c}" : string.Empty)}", ct);
            Notice = $"已登记分录 #{entry.Id}：{entry.Category.Label} {ConsoleText.Yuan(entry.Amount)} 元，凭证号 {entry.Reference}。";
        }

        return Redirect($"/console/community-accounts?community={Uri.EscapeDataString(Community!)}&period={ConsoleInput.Iso(Period)}");
    }

    private static string Explain(InputError error) => error.Code switch
    {
        "accounts.reference.conflict" => "该凭证号已用于另一笔内容不同的分录；凭证号在本小区内不能重复",
        "accounts.corrects.unknown" => "被更正的分录须是本小区本月同一类别的分录",
        "accounts.correction.negative" => "更正后该类别本月合计会小于 0",
        "accounts.amount.invalid" => "金额须为正数、最多两位小数；只有更正可为负数",
        _ => error.Message,
    };

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        Communities = await new ConsoleCommunities(db).OfAsync(Operator, ct);
        if (Community is { Length: > 0 } asked && Communities.All(c => c.Code != asked))
        {
            return false;
        }

        Community ??= Communities.FirstOrDefault()?.Code;
        if (PeriodText is { Length: > 0 } && !ConsoleInput.TryMonth(PeriodText, out _))
        {
            Fail("filter", "period", "月份如 2026-10");
        }

        Period = ConsoleInput.TryMonth(PeriodText, out var month) ? month
            : await new ConsoleCommunities(db).LatestBilledMonthAsync(Operator, ct) ?? Today.ToYearMonth().PlusMonths(-1);
        if (Community is null)
        {
            return true;
        }

        Accounts = await new CommunityAccountsStore(db, subsidies).ReadAsync(Community, Period, ct);
        Authors = await new AccountsEntryAuthors(db).OfMonthAsync(Community, Period, ct);
        return Accounts is not null;
    }
}
