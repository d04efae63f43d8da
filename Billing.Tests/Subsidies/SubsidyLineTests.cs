using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>One district line built from its fee line: the amount, the stored inputs and the printed formula, at the cap's edge.</summary>
[Trait("Category", "Core")]
public class SubsidyLineTests
{
    private static readonly FenRounding Away = FenRounding.HalfAwayFromZero;

    /// <summary>86.40 m² at 0.48 for 15 of 31 days: 86.40 × 0.48 × 15 ÷ 31 = 20.0671 -> 20.07.</summary>
    private static (ChargeLine Fee, ProratedBasis Basis) HalfMonthFee(decimal share = 1m)
    {
        var basis = new ProratedBasis(86.40m, "m²", 0.48m, "元/m²/月", new LocalDate(2026, 10, 17), new LocalDate(2026, 10, 31), 15, 31, false, share, Away);
        return (new ChargeLine("property_fee", "物业服务费（2星级）", "test-book@2022-01-01", basis.Amount, basis), basis);
    }

    private static SubsidyPolicyVersion Policy(SubsidyBasis basis, decimal rate) => SubsidyTests.Policy(basis, rate);

    private static (decimal?, string?, decimal?, string?, int?, int?, LocalDate?, LocalDate?, decimal?) Plain(LineInputs i) =>
        (i.Quantity, i.QuantityUnit, i.Rate, i.RateUnit, i.Days, i.Denominator, i.From, i.To, i.Share);

    [Fact]
    public void A_per_area_line_prorates_like_its_fee_and_stores_every_input()
    {
        // 86.40 × 0.10 × 15 ÷ 31 = 4.18064… -> 4.18
        var (fee, basis) = HalfMonthFee();

        var line = SubsidyLines.For(fee, basis, Policy(SubsidyBasis.PerArea, 0.10m), 100m);
        var district = (SubsidyLineBasis)line.Basis;

        Assert.Equal(20.07m, fee.Amount.Yuan);
        Assert.Equal(("subsidy", "政府补贴（区财政代付）", "test-subsidy@2022-01-01", -4.18m), (line.Kind, line.Label, line.RateVersion, line.Amount.Yuan));
        Assert.Equal(4.18m, district.DistrictShare.Yuan);
        Assert.Same(fee, district.Fee);
        Assert.Equal((86.40m, "m²", 0.10m, "元/m²/月", 15, 31, null, null, 1m), Plain(district.Inputs));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["policy_version"] = "test-subsidy@2022-01-01", ["method"] = "PerArea", ["standard"] = "20.07",
                ["whole_month"] = "false", ["limit"] = "20.07", ["capped"] = "false",
            },
            district.Inputs.Extra);
        Assert.Equal("区财政代付 86.40 m² × 0.10 元/m²/月 × 15/31 天", line.Formula);
    }

    [Fact]
    public void A_vacant_homes_share_is_shown_as_a_percentage()
    {
        // 86.40 × 0.10 × 0.70 × 15 ÷ 31 = 2.92645… -> 2.93
        var (fee, basis) = HalfMonthFee(0.70m);

        var line = SubsidyLines.For(fee, basis, Policy(SubsidyBasis.PerArea, 0.10m), 100m);

        Assert.Equal(-2.93m, line.Amount.Yuan);
        Assert.Equal(0.70m, line.Basis.Inputs.Share);
        Assert.Equal("区财政代付 86.40 m² × 0.10 元/m²/月 × 15/31 天 × 70%（空置）", line.Formula);
    }

    [Fact]
    public void A_per_household_line_counts_one_household_and_ignores_the_vacancy_share()
    {
        // 5.00 × 15 ÷ 31 = 2.41935… -> 2.42 (quantity 1 household, share 1 whatever the fee's share).
        var (fee, basis) = HalfMonthFee(0.70m);

        var line = SubsidyLines.For(fee, basis, Policy(SubsidyBasis.PerHousehold, 5.00m), 100m);

        Assert.Equal(-2.42m, line.Amount.Yuan);
        Assert.Equal((1m, "户", 5.00m, "元/户/月", 15, 31, null, null, 1m), Plain(line.Basis.Inputs));
        Assert.Equal("PerHousehold", line.Basis.Inputs.Extra["method"]);
        Assert.Equal("区财政代付 5.00 元/户/月 × 15/31 天", line.Formula);
    }

    [Fact]
    public void A_share_of_the_standard_is_that_share_of_the_fee_line()
    {
        // 20.07 × 0.40 = 8.028 -> 8.03
        var (fee, basis) = HalfMonthFee();

        var line = SubsidyLines.For(fee, basis, Policy(SubsidyBasis.ShareOfStandard, 0.40m), 100m);

        Assert.Equal(-8.03m, line.Amount.Yuan);
        Assert.Equal((1m, "元", 0.40m, "比例", 15, 31, null, null, 1m), Plain(line.Basis.Inputs));
        Assert.Equal("区财政代付 20.07 元 × 40%", line.Formula);
    }

    [Theory]
    // 86.40 × 0.10 × 15 ÷ 31 = 4.18064…: a cap of exactly that is not reached; 4.18 is (4.18064 > 4.18).
    [InlineData("exact", false, -4.18, "区财政代付 86.40 m² × 0.10 元/m²/月 × 15/31 天")]
    [InlineData("4.18", true, -4.18, "区财政代付 86.40 m² × 0.10 元/m²/月 × 15/31 天，以 4.18 元为限")]
    [InlineData("3.00", true, -3.00, "区财政代付 86.40 m² × 0.10 元/m²/月 × 15/31 天，以 3.00 元为限")]
    [InlineData("-1.00", true, 0.00, "区财政代付 86.40 m² × 0.10 元/m²/月 × 15/31 天，以 0.00 元为限")]
    public void A_line_is_capped_only_when_its_share_is_above_what_the_cap_leaves(string remaining, bool capped, decimal amount, string formula)
    {
        var (fee, basis) = HalfMonthFee();
        var left = remaining == "exact" ? Prorate.Exact(86.40m, 0.10m, 1m, 15, 31, wholeMonth: false) : decimal.Parse(remaining, System.Globalization.CultureInfo.InvariantCulture);

        var line = SubsidyLines.For(fee, basis, Policy(SubsidyBasis.PerArea, 0.10m), left);

        Assert.Equal((capped, amount, formula), (((SubsidyLineBasis)line.Basis).Capped, line.Amount.Yuan, line.Formula));
    }

    [Fact]
    public void The_district_never_pays_more_than_the_fee_line()
    {
        // 1.00 yuan/m² would be 86.40 × 1.00 × 15 ÷ 31 = 41.806…, more than the fee 20.07: limited to the fee.
        var (fee, basis) = HalfMonthFee();

        var line = SubsidyLines.For(fee, basis, Policy(SubsidyBasis.PerArea, 1.00m), 100m);

        Assert.Equal(-20.07m, line.Amount.Yuan);
        Assert.Equal("区财政代付 86.40 m² × 1.00 元/m²/月 × 15/31 天，以 20.07 元为限", line.Formula);
    }

    [Fact]
    public void A_community_caps_allocation_replaces_the_limit_and_marks_the_line_capped()
    {
        var (fee, basis) = HalfMonthFee();
        var line = SubsidyLines.For(fee, basis, Policy(SubsidyBasis.PerArea, 0.10m), 100m);

        var limited = SubsidyLines.Limited(line, new Money(2.50m));

        Assert.Equal(-2.50m, limited.Amount.Yuan);
        Assert.Equal(("2.50", "true"), (limited.Basis.Inputs.Extra["limit"], limited.Basis.Inputs.Extra["capped"]));
        Assert.Equal("区财政代付 86.40 m² × 0.10 元/m²/月 × 15/31 天，以 2.50 元为限", limited.Formula);
    }

    [Fact]
    public void A_whole_month_is_stored_as_such()
    {
        var basis = new ProratedBasis(86.40m, "m²", 0.48m, "元/m²/月", new LocalDate(2026, 10, 1), new LocalDate(2026, 10, 31), 31, 31, true, 1m, Away);
        var fee = new ChargeLine("property_fee", "物业服务费（2星级）", "test-book@2022-01-01", basis.Amount, basis);

        var line = SubsidyLines.For(fee, basis, Policy(SubsidyBasis.PerArea, 0.10m), 100m);

        // 86.40 × 0.10 = 8.64, not divided by days.
        Assert.Equal(("true", -8.64m), (line.Basis.Inputs.Extra["whole_month"], line.Amount.Yuan));
    }

    [Fact]
    public void A_basis_without_a_formula_is_a_programming_error()
    {
        var (fee, basis) = HalfMonthFee();
        var line = (SubsidyLineBasis)SubsidyLines.For(fee, basis, Policy(SubsidyBasis.PerArea, 0.10m), 100m).Basis with { Method = (SubsidyBasis)7 };

        Assert.Equal("subsidy basis 7 has no formula", Assert.Throws<InvalidOperationException>(() => line.Uncapped).Message);
    }
}
