using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Subsidies;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>
/// One community's month as district finance reads it, built by hand: the claim, the shortfall,
/// the status and each check with the wording printed on the reconciliation report.
/// </summary>
[Trait("Category", "Core")]
public class ReconciliationCoreTests
{
    private static Money Yuan(decimal yuan) => new(yuan);

    /// <summary>丰鑫园小区, October 2026: standard 1,000.00 = resident 876.55 + district 123.45.</summary>
    private static ReconciliationRow Row(
        decimal? factor = 0.90m,
        decimal resident = 876.55m,
        int mismatches = 0,
        SubmittedClaim? submitted = null,
        FenRounding? rounding = null) =>
        new("开发区", "HZ-FXY", "丰鑫园小区", new YearMonth(2026, 10), 24, 2083.33m,
            Yuan(1000.00m), Yuan(resident), Yuan(123.45m), Yuan(1000.00m), mismatches,
            "heze-kaifaqu@2024-01-01", factor is null ? null : 85m, factor is null ? null : new YearMonth(2026, 10), factor,
            Yuan(5.00m), submitted, rounding ?? FenRounding.HalfAwayFromZero);

    private static SubmittedClaim Submitted(decimal claim, decimal adjustments) =>
        new(7, Yuan(claim), Yuan(123.45m - claim), Yuan(adjustments), Yuan(claim + adjustments), 85m, 0.90m, Instant.FromUtc(2026, 11, 5, 2, 0));

    [Fact]
    public void A_draft_claim_is_the_district_share_times_the_factor_rounded_once_and_the_rest_is_the_companys()
    {
        // 123.45 × 0.90 = 111.105 -> 111.11 (half away from zero); shortfall 123.45 - 111.11 = 12.34;
        // with 5.00 of adjustments the total claim is 111.11 + 5.00 = 116.11.
        var row = Row();

        Assert.Equal(Yuan(111.11m), row.Claim);
        Assert.Equal(Yuan(12.34m), row.Shortfall);
        Assert.Equal(Yuan(116.11m), row.TotalClaim);
        Assert.Equal("draft", row.Status);
    }

    [Fact]
    public void The_claim_is_rounded_with_the_policys_rounding()
    {
        // 111.105 to even -> 111.10; shortfall 123.45 - 111.10 = 12.35.
        var row = Row(rounding: FenRounding.HalfToEven);

        Assert.Equal((Yuan(111.10m), Yuan(12.35m)), (row.Claim!.Value, row.Shortfall!.Value));
        Assert.Equal("123.45 × 0.9 = 111.10; claim 111.10", row.Checks[2].Detail);
    }

    [Fact]
    public void Without_a_score_there_is_no_claim_yet()
    {
        var row = Row(factor: null);

        Assert.Null(row.Claim);
        Assert.Null(row.Shortfall);
        Assert.Null(row.TotalClaim);
        Assert.Equal("awaiting-score", row.Status);
        Assert.Equal(["resident-plus-district-equals-standard", "district-lines-match-statements"], row.Checks.Select(c => c.Code));
        Assert.True(row.AllPassed);
    }

    [Fact]
    public void Every_check_of_a_balanced_month_passes_with_its_figures_spelled_out()
    {
        var row = Row();

        Assert.Equal(
            [
                new ReconciliationCheck("resident-plus-district-equals-standard", "居民承担 + 区财政承担 = 标准物业费", true,
                    "876.55 + 123.45 = 1000.00; standard 1000.00"),
                new ReconciliationCheck("district-lines-match-statements", "补贴明细与对账单物业费逐行一致", true,
                    "every district line matches its statement line"),
                new ReconciliationCheck("claim-equals-lines-times-factor", "申报金额 = 补贴明细合计 × 拨付比例（一次舍入）", true,
                    "123.45 × 0.9 = 111.11; claim 111.11"),
                new ReconciliationCheck("claim-plus-shortfall-equals-district-share", "申报金额 + 物业公司承担差额 = 区财政承担", true,
                    "111.11 + 12.34 = 123.45"),
            ],
            row.Checks);
        Assert.True(row.AllPassed);
    }

    [Fact]
    public void A_fen_missing_between_resident_and_district_fails_the_first_check()
    {
        // 876.54 + 123.45 = 999.99, one fen short of the standard 1,000.00.
        var row = Row(resident: 876.54m);

        Assert.Equal(new ReconciliationCheck("resident-plus-district-equals-standard", "居民承担 + 区财政承担 = 标准物业费", false,
            "876.54 + 123.45 = 999.99; standard 1000.00"), row.Checks[0]);
        Assert.Equal([false, true, true, true], row.Checks.Select(c => c.Passed));
        Assert.False(row.AllPassed);
    }

    [Fact]
    public void District_lines_that_differ_from_their_statement_lines_are_counted()
    {
        var row = Row(mismatches: 2);

        Assert.Equal((false, "2 district lines differ from their statement line"), (row.Checks[1].Passed, row.Checks[1].Detail));
        Assert.False(row.AllPassed);
    }

    [Fact]
    public void A_submitted_claim_keeps_its_frozen_figures_and_is_checked_against_the_recomputation()
    {
        // Frozen at 111.00 with 3.00 adjustments: total 114.00, whatever the row's 5.00 now says.
        // Recomputed 123.45 × 0.90 = 111.105 -> 111.11 ≠ 111.00: the claim check fails, the others hold
        // (shortfall 123.45 - 111.00 = 12.45; 111.00 + 12.45 = 123.45).
        var row = Row(submitted: Submitted(111.00m, 3.00m));

        Assert.Equal("submitted", row.Status);
        Assert.Equal(Yuan(111.00m), row.Claim);
        Assert.Equal(Yuan(12.45m), row.Shortfall);
        Assert.Equal(Yuan(114.00m), row.TotalClaim);
        Assert.Equal((false, "123.45 × 0.9 = 111.11; claim 111.00"), (row.Checks[2].Passed, row.Checks[2].Detail));
        Assert.Equal((true, "111.00 + 12.45 = 123.45"), (row.Checks[3].Passed, row.Checks[3].Detail));
        Assert.False(row.AllPassed);
    }

    [Fact]
    public void A_submitted_claim_without_a_current_factor_is_still_submitted_and_has_only_the_two_line_checks()
    {
        var row = Row(factor: null, submitted: Submitted(111.11m, 0.00m));

        Assert.Equal("submitted", row.Status);
        Assert.Equal((Yuan(111.11m), Yuan(12.34m), Yuan(111.11m)), (row.Claim!.Value, row.Shortfall!.Value, row.TotalClaim!.Value));
        Assert.Equal(2, row.Checks.Count);
    }

    [Theory]
    // 0.15 × 0.90 = 0.135: away from zero 0.14, to even 0.14 (4 is even); 0.25 × 0.50 = 0.125 -> 0.13 / 0.12.
    [InlineData(0.15, 0.90, 0.14, 0.14)]
    [InlineData(0.25, 0.50, 0.13, 0.12)]
    [InlineData(123.45, 1.00, 123.45, 123.45)]
    [InlineData(123.45, 0.00, 0.00, 0.00)]
    public void The_claim_is_the_share_times_the_factor_rounded_by_the_policys_rule(decimal share, decimal factor, decimal away, decimal even)
    {
        Assert.Equal(away, SubsidyClaims.Claim(Yuan(share), factor, FenRounding.HalfAwayFromZero).Yuan);
        Assert.Equal(even, SubsidyClaims.Claim(Yuan(share), factor, FenRounding.HalfToEven).Yuan);
    }
}
