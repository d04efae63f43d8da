using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.DistrictPages;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.District;

/// <summary>
/// A month's reconciliation for the district: per community the figures, the score used and every
/// check; claims by status kept apart; the sign-off (审核通过 / 退回 with a reason) and the downloads.
/// </summary>
public sealed class MonthModel(NpgsqlDataSource db, SubsidyCatalog policies, DocumentContext documents, IConfiguration configuration, StaffAudit audit) : DistrictPageModel
{
    public const int MaxReasonLength = 500;

    public YearMonth Period { get; private set; }

    public string PeriodText => BillingPeriod.Format(Period);

    public IReadOnlyList<ReconciliationRow> Rows { get; private set; } = [];

    public IReadOnlyList<DistrictSignOff> SignOffs { get; private set; } = [];

    public ReconciliationHeading Heading { get; private set; } = null!;

    /// <summary>Statements were issued with subsidy lines in the district this month; without them there is nothing to check, and nothing reads 通过.</summary>
    public bool HasData => Rows.Any(r => r.Households > 0);

    public bool AllPassed => HasData && Rows.All(r => r.AllPassed);

    public IReadOnlyList<ReconciliationRow> Submitted => Rows.Where(r => r.Status == "submitted").ToList();

    public IReadOnlyList<ReconciliationRow> Pending => Rows.Where(r => r.Status == "draft").ToList();

    public IReadOnlyList<ReconciliationRow> Unscored => Rows.Where(r => r.Status == "awaiting-score").ToList();

    /// <summary>Every check any community has, in the order the reconciliation's data lists them.</summary>
    public IReadOnlyList<(string Code, string Name)> CheckNames => Rows.SelectMany(r => r.Checks).Select(c => (c.Code, c.Name)).Distinct().ToList();

    [BindProperty]
    public string? Decision { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string period, CancellationToken ct) =>
        await LoadAsync(period, ct) ?? Page();

    public async Task<IActionResult> OnPostSignOffAsync(string period, CancellationToken ct)
    {
        if (await LoadAsync(period, ct) is { } missing)
        {
            return missing;
        }

        var decision = Decision switch
        {
            DistrictSignOff.Approved => DistrictSignOff.Approved,
            DistrictSignOff.Returned => DistrictSignOff.Returned,
            _ => null,
        };
        var reason = string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim();
        Problem = decision switch
        {
            null => "请选择审核通过或退回。",
            _ when !HasData => "本月没有补贴明细，无可审核的内容。",
            DistrictSignOff.Returned when reason is null => "退回须写明理由，以便物业公司更正。",
            DistrictSignOff.Approved when !AllPassed => "有校验未通过的小区，不能审核通过；请退回并写明理由。",
            _ when reason is { Length: > MaxReasonLength } => $"理由请控制在 {MaxReasonLength} 字以内。",
            _ => null,
        };
        if (Problem is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var signed = await new DistrictDesk(db).SignOffAsync(District, Period, decision!, reason, Person.Signature, ct);
        await audit.RecordAsync(Person, "区财政审核", $"{District} {PeriodText} 补贴对账", signed.DecisionText + (reason is null ? string.Empty : $"：{reason}"), ct);
        Notice = $"已记录：{signed.DecisionText}" + (reason is null ? string.Empty : $"（理由：{reason}）") + $"，审核人 {signed.SignedBy}，{FinanceConsole.ConsoleText.Time(signed.SignedAt)}。";
        return Redirect($"/district/{PeriodText}");
    }

    public bool IsStale(ReconciliationRow row) => row.ScorePeriod is { } sp && Heading.IsStale(sp);

    public int MonthsOld(YearMonth scorePeriod) => ((Period.Year - scorePeriod.Year) * 12) + Period.Month - scorePeriod.Month;

    public static Money Total(IEnumerable<ReconciliationRow> rows) => Money.Sum(rows.Select(r => r.TotalClaim ?? Money.Zero));

    /// <summary>Reads the month for the signed-in district, or answers with the reason it cannot (404, nothing of another district named).</summary>
    private async Task<IActionResult?> LoadAsync(string period, CancellationToken ct)
    {
        if (ParsePeriod(period) is not { } month)
        {
            return NotFoundPage($"“{period}”不是账期，账期的写法如 2026-10。");
        }

        Period = month;
        var desk = new DistrictDesk(db);
        if (!await desk.KnowsDistrictAsync(District, ct))
        {
            return NotFoundPage($"登记中没有属于“{District}”的小区，无法对账。请联系物业公司核实小区所属区县。");
        }

        Rows = await new SubsidyStore(db, policies).ReconcileAsync(District, month, ct);
        SignOffs = await desk.SignOffsAsync(District, month, ct);
        Heading = new ReconciliationHeading(District, month, await desk.OperatorNamesAsync(District, documents, ct), SignOffs, null,
            DistrictDeskSettings.StaleScoreMonths(configuration));
        return null;
    }
}
