using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>A community's claim for the month with where it stands: no score yet, not submitted, submitted, approved or returned by the district.</summary>
public sealed record ClaimLine(ReconciliationRow Row, ClaimState State, string? Reason, ScoreEntry? ScoreInForce, bool ScoreIsStale);

public enum ClaimState
{
    AwaitingScore,
    NotSubmitted,
    Submitted,
    Approved,
    Returned,
}

/// <summary>
/// 考核与补贴申报: the evaluation score in force for each of the operator's communities with the
/// month it was given for, and the month's subsidy claims by status with the district share, the
/// payout factor, the claim (share × factor, rounded once) and the shortfall the company carries.
/// Clerks record scores; managers submit a claim, which freezes it.
/// </summary>
public sealed class SubsidiesModel(NpgsqlDataSource db, SubsidyCatalog subsidies, StaffAudit audit, IClock clock) : ConsoleFormModel
{
    public const string ScoreForm = "score";
    public const string ClaimForm = "claim";

    [BindProperty(SupportsGet = true, Name = "period")]
    public string? PeriodText { get; set; }

    public YearMonth Period { get; private set; }

    public IReadOnlyList<OperatorCommunity> Communities { get; private set; } = [];

    public IReadOnlyList<ClaimLine> Claims { get; private set; } = [];

    public IReadOnlyList<ScoreEntry> Scores { get; private set; } = [];

    public static string StateText(ClaimState state) => state switch
    {
        ClaimState.AwaitingScore => "待考核（无得分）",
        ClaimState.NotSubmitted => "未申报",
        ClaimState.Submitted => "已申报，待区财政审核",
        ClaimState.Approved => "区财政审核通过",
        _ => "区财政退回",
    };

    public static string StateClass(ClaimState state) => state switch
    {
        ClaimState.AwaitingScore => "awaiting",
        ClaimState.NotSubmitted => "draft",
        ClaimState.Submitted => "submitted",
        ClaimState.Approved => "approved",
        _ => "returned",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostScoreAsync(string? community, string? month, string? score, CancellationToken ct)
    {
        if (!Has(StaffRole.Clerk))
        {
            return Forbid(ConsoleAccess.Scheme);
        }

        await LoadAsync(ct);
        if (community is null || Communities.All(c => c.Code != community))
        {
            return NotFound();
        }

        if (!ConsoleInput.TryMonth(month, out var from))
        {
            Fail(ScoreForm, "month", "考核期如 2026-07（得分自该月起适用）");
        }

        if (!decimal.TryParse(score?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value > 100m || decimal.Round(value, 2) != value)
        {
            Fail(ScoreForm, "score", "得分为 0–100，最多两位小数");
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        try
        {
            var changed = await new SubsidyStore(db, subsidies).RecordScoresAsync([(new ScoreRow(community, from, value), $"控制台 {Person.Signature}", 1)], ct);
            if (changed > 0)
            {
                await audit.RecordAsync(Person, "录入考核得分", $"小区 {community}", $"{ConsoleText.Month(from)}起 {value.ToString("0.##", CultureInfo.InvariantCulture)} 分", ct);
            }

            Notice = changed > 0 ? $"已录入 {community} {ConsoleText.Month(from)}起的考核得分 {value:0.##} 分。" : "得分与已录入的相同，未作改动。";
        }
        catch (InputRejectedException rejected)
        {
            foreach (var e in rejected.Errors)
            {
                Fail(ScoreForm, "score", e.Code == "score.claim.frozen" ? "该考核期的得分已被已提交的申报使用，不能更改；请在以后月份的申报中调整" : e.Message);
            }

            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        return Redirect($"/console/subsidies?period={ConsoleInput.Iso(Period)}");
    }

    public async Task<IActionResult> OnPostClaimAsync(string? community, CancellationToken ct)
    {
        if (!Has(StaffRole.Manager))
        {
            return Forbid(ConsoleAccess.Scheme);
        }

        await LoadAsync(ct);
        if (Claims.FirstOrDefault(c => c.Row.CommunityCode == community) is not { } line)
        {
            return NotFound();
        }

        var why = line.State switch
        {
            ClaimState.AwaitingScore => "尚无考核得分，不能申报",
            ClaimState.Submitted or ClaimState.Approved or ClaimState.Returned => "本月申报已提交并冻结；更正请记入以后月份",
            _ when line.Row.Households == 0 => "本月尚未出账，不能申报",
            _ => null,
        };
        if (why is null)
        {
            try
            {
                var row = await new SubsidyStore(db, subsidies).SubmitClaimAsync(community!, Period, ct);
                await audit.RecordAsync(Person, "提交补贴申报", $"小区 {community} {ConsoleText.Month(Period)}",
                    $"申报 {row.Claim?.ToFenString()} 元（区财政承担 {row.DistrictShare.ToFenString()} × {row.Factor:0.####}），公司承担差额 {row.Shortfall?.ToFenString()} 元", ct);
                Notice = $"已提交 {line.Row.CommunityName} {ConsoleText.Month(Period)}的补贴申报：{ConsoleText.Yuan(row.Claim!.Value)} 元。";
                return Redirect($"/console/subsidies?period={ConsoleInput.Iso(Period)}");
            }
            catch (ClaimConflictException e)
            {
                why = e.Message;
            }
        }

        Fail(ClaimForm + "-" + community, "community", why);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Communities = await new ConsoleCommunities(db).OfAsync(Operator, ct);
        if (PeriodText is { Length: > 0 } && !ConsoleInput.TryMonth(PeriodText, out _))
        {
            Fail("filter", "period", "月份如 2026-10");
        }

        Period = ConsoleInput.TryMonth(PeriodText, out var month) ? month
            : await new ConsoleCommunities(db).LatestBilledMonthAsync(Operator, ct) ?? ConsoleText.Today(clock).ToYearMonth().PlusMonths(-1);
        Scores = await new ScoreHistory(db).OfOperatorAsync(Operator, ct);
        var store = new SubsidyStore(db, subsidies);
        var desk = new DistrictDesk(db);
        var mine = Communities.Select(c => c.Code).ToHashSet(StringComparer.Ordinal);
        var claims = new List<ClaimLine>();
        foreach (var district in Communities.Select(c => c.District).Distinct(StringComparer.Ordinal))
        {
            // The district's reconciliation covers every operator in it; only this operator's communities are shown.
            var rows = (await store.ReconcileAsync(district, Period, ct)).Where(r => mine.Contains(r.CommunityCode)).ToList();
            var decision = (await desk.SignOffsAsync(district, Period, ct)).LastOrDefault();
            foreach (var row in rows)
            {
                var state = row.Submitted is not null
                    ? decision?.Decision switch
                    {
                        DistrictSignOff.Approved when decision.SignedAt >= row.Submitted.SubmittedAt => ClaimState.Approved,
                        DistrictSignOff.Returned when decision.SignedAt >= row.Submitted.SubmittedAt => ClaimState.Returned,
                        _ => ClaimState.Submitted,
                    }
                    : row.Factor is null ? ClaimState.AwaitingScore : ClaimState.NotSubmitted;
                var inForce = ScoreHistory.InForce(Scores, row.CommunityCode, Period);
                var stale = inForce is not null && inForce.Month.PlusMonths(DistrictDeskApi.DefaultStaleScoreMonths) <= Period;
                claims.Add(new ClaimLine(row, state, state == ClaimState.Returned ? decision!.Reason : null, inForce, stale));
            }
        }

        Claims = claims.OrderBy(c => c.State).ThenBy(c => c.Row.CommunityCode, StringComparer.Ordinal).ToList();
    }
}
