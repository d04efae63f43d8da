using NodaTime;

namespace RedProperty.Billing.Core.Subsidies;

/// <summary>
/// One community's month as district finance checks it. Standard fee and resident share come from
/// the residents' statement lines; district share from the lines billed to the district; the two
/// records are kept apart so the checks below compare independent data.
/// </summary>
public sealed record ReconciliationRow(
    string District,
    string CommunityCode,
    string CommunityName,
    YearMonth Period,
    int Households,
    decimal BilledArea,
    Money StandardFee,
    Money ResidentShare,
    Money DistrictShare,
    Money SubsidisedStandard,
    int LineMismatches,
    string? PolicyVersion,
    decimal? Score,
    YearMonth? ScorePeriod,
    decimal? Factor,
    Money Adjustments,
    SubmittedClaim? Submitted,
    FenRounding Rounding)
{
    /// <summary>district share × payout factor, rounded once, to the fen; null until a score is recorded.</summary>
    public Money? Claim => Submitted?.ClaimAmount ?? (Factor is { } f ? SubsidyClaims.Claim(DistrictShare, f, Rounding) : null);

    /// <summary>What the district does not pay: the company's, never the residents'.</summary>
    public Money? Shortfall => Claim is { } c ? DistrictShare - c : null;

    public Money? TotalClaim => Claim is { } c ? c + (Submitted?.Adjustments ?? Adjustments) : null;

    public string Status => Submitted is not null ? "submitted" : Factor is null ? "awaiting-score" : "draft";

    public IReadOnlyList<ReconciliationCheck> Checks
    {
        get
        {
            var checks = new List<ReconciliationCheck>
            {
                new("resident-plus-district-equals-standard", "居民承担 + 区财政承担 = 标准物业费",
                    ResidentShare + DistrictShare == StandardFee,
                    $"{ResidentShare.ToFenString()} + {DistrictShare.ToFenString()} = {(ResidentShare + DistrictShare).ToFenString()}; standard {StandardFee.ToFenString()}"),
                new("district-lines-match-statements", "补贴明细与对账单物业费逐行一致",
                    LineMismatches == 0,
                    LineMismatches == 0 ? "every district line matches its statement line" : $"{LineMismatches} district lines differ from their statement line"),
            };
            if (Factor is { } factor)
            {
                var recomputed = SubsidyClaims.Claim(DistrictShare, factor, Rounding);
                checks.Add(new("claim-equals-lines-times-factor", "申报金额 = 补贴明细合计 × 拨付比例（一次舍入）",
                    Claim == recomputed,
                    $"{DistrictShare.ToFenString()} × {factor:0.####} = {recomputed.ToFenString()}; claim {Claim?.ToFenString()}"));
                checks.Add(new("claim-plus-shortfall-equals-district-share", "申报金额 + 物业公司承担差额 = 区财政承担",
                    Claim + Shortfall == DistrictShare,
                    $"{Claim?.ToFenString()} + {Shortfall?.ToFenString()} = {DistrictShare.ToFenString()}"));
            }

            return checks;
        }
    }

    public bool AllPassed => Checks.All(c => c.Passed);
}

public sealed record ReconciliationCheck(string Code, string Name, bool Passed, string Detail);

/// <summary>The frozen figures of a submitted claim.</summary>
public sealed record SubmittedClaim(long Id, Money ClaimAmount, Money Shortfall, Money Adjustments, Money TotalClaim, decimal Score, decimal Factor, Instant SubmittedAt);

public static class SubsidyClaims
{
    /// <summary>The claim is the district share times the payout factor, rounded once for the community and month, never line by line.</summary>
    public static Money Claim(Money districtShare, decimal factor, FenRounding rounding) =>
        new Money(districtShare.Yuan * factor).RoundToFen(rounding);
}
