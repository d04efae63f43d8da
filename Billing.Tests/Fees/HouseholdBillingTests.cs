using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Fees;

/// <summary>Worked examples of the property-fee rules, each computed by hand in its comment.</summary>
[Trait("Category", "Core")]
public class HouseholdBillingTests
{
    private static readonly YearMonth October2026 = new(2026, 10);   // 31 days
    private static readonly YearMonth November2026 = new(2026, 11);  // 30 days
    private static readonly YearMonth February2024 = new(2024, 2);   // leap: 29 days

    private static readonly RateBookVersion ExampleCity = Book(
        name: "city",
        prices:
        [
            new LevelPrice(ServiceLevel.Stars(2), BuildingType.MultiStorey, new AreaPrice(0.40m), 15m),
            new LevelPrice(ServiceLevel.Stars(3), BuildingType.MultiStorey, new AreaPrice(0.50m), 15m),
            new LevelPrice(ServiceLevel.Stars(2), BuildingType.HighRise, new AreaPrice(1.10m), 15m),
        ],
        items:
        [
            new FeeItem("waste", "生活垃圾清运费", FeeBasis.PerHousehold, 5.00m, null, VacantCharge.None),
            new FeeItem("parking-admin", "车位管理费", FeeBasis.PerParkingPermit, 20.00m, null, VacantCharge.Full),
            new FeeItem("shared-water", "公共区域水费分摊", FeeBasis.PerMeteredUnit, 3.20m, "m³", VacantCharge.Full),
        ],
        vacancy: new VacancyRule(0.70m));

    [Theory]
    //          area    price  expected   (area × price, then 四舍五入 to the fen)
    [InlineData(10.25, 0.50, 5.13)]    // 5.125   -> 5.13, not 5.12
    [InlineData(69.81, 0.48, 33.51)]   // 33.5088 -> 33.51
    [InlineData(86.40, 0.48, 41.47)]   // 41.472  -> 41.47
    [InlineData(89.50, 0.48, 42.96)]   // 42.96   exactly
    [InlineData(0.01, 0.48, 0.00)]     // 0.0048  -> 0.00
    [InlineData(3.75, 0.02, 0.08)]     // 0.075   -> 0.08 (half away from zero)
    public void Whole_month_is_area_times_price_rounded_half_away_from_zero(decimal area, decimal price, decimal expected)
    {
        var bill = Bill(Community(), Household(area), Catalog(Book(price)), October2026);

        var line = Assert.Single(bill.Lines);
        Assert.Equal(expected, line.Amount.Yuan);
        Assert.Equal(HouseholdBilling.PropertyFeeKind, line.Kind);
        Assert.Equal("test-book@2022-01-01", line.RateVersion);
        Assert.Equal($"{area:0.00} m² × {price:0.00} 元/m²/月 × 31/31 天", line.Formula);
    }

    [Theory]
    [InlineData(10.25, 0.50, 5.12)]    // 5.125 -> 5.12 under banker's rounding
    [InlineData(3.75, 0.02, 0.08)]     // 0.075 -> 0.08 (8 is even)
    public void A_rate_book_can_choose_half_to_even_rounding(decimal area, decimal price, decimal expected)
    {
        var bill = Bill(Community(), Household(area), Catalog(Book(price, FenRounding.HalfToEven)), October2026);

        Assert.Equal(expected, Assert.Single(bill.Lines).Amount.Yuan);
    }

    [Fact]
    public void Move_in_on_the_10th_of_a_30_day_month_bills_21_days()
    {
        // 90.00 × 0.48 = 43.20 a month; × 21/30 = 30.24
        var household = Household(90.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 11, 10), Occupancy.Occupied)));

        var line = Assert.Single(Bill(Community(), household, Catalog(Book()), November2026).Lines);

        Assert.Equal(30.24m, line.Amount.Yuan);
        Assert.Equal("90.00 m² × 0.48 元/m²/月 × 21/30 天（11月10日–11月30日）", line.Formula);
    }

    [Fact]
    public void Move_out_on_the_20th_bills_up_to_the_19th()
    {
        // 100.00 × 0.48 × 19/31 = 29.419... -> 29.42
        var household = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 10, 20), Occupancy.NotBilled)));

        Assert.Equal(29.42m, Assert.Single(Bill(Community(), household, Catalog(Book()), October2026).Lines).Amount.Yuan);
    }

    [Fact]
    public void Leap_February_bills_a_whole_month_as_one_month_and_days_out_of_29()
    {
        // whole: 100.00 × 0.48 = 48.00; from the 15th: 48.00 × 15/29 = 24.827... -> 24.83
        var whole = Bill(Community(), Household(100.00m), Catalog(Book()), February2024);
        var fromThe15th = Bill(Community(), Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2024, 2, 15), Occupancy.Occupied))), Catalog(Book()), February2024);

        Assert.Equal(48.00m, Assert.Single(whole.Lines).Amount.Yuan);
        Assert.Equal("100.00 m² × 0.48 元/m²/月 × 29/29 天", whole.Lines[0].Formula);
        Assert.Equal(24.83m, Assert.Single(fromThe15th.Lines).Amount.Yuan);
    }

    [Fact]
    public void A_level_change_mid_month_splits_the_month_into_two_lines()
    {
        // 2星 at 0.40 for 1–15 Oct: 100 × 0.40 × 15/31 = 19.354... -> 19.35
        // 3星 at 0.50 for 16–31 Oct: 100 × 0.50 × 16/31 = 25.806... -> 25.81
        var levels = Changes(
            (Start, new LevelAssignment(ServiceLevel.Stars(2))),
            (new LocalDate(2026, 10, 16), new LevelAssignment(ServiceLevel.Stars(3))));

        var bill = Bill(Community("city", levels: levels), Household(100.00m), Catalog(Book(name: "city", prices: ExampleCity.Prices)), October2026);

        Assert.Equal([19.35m, 25.81m], bill.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal(["物业服务费（2星级）", "物业服务费（3星级）"], bill.Lines.Select(l => l.Label));
        Assert.Equal(45.16m, bill.Total.Yuan);
    }

    [Fact]
    public void A_new_rate_version_mid_month_splits_the_month_and_each_line_names_its_version()
    {
        // 0.48 for 1–19 Oct: 100 × 0.48 × 19/31 = 29.419 -> 29.42; 0.55 for 20–31: 100 × 0.55 × 12/31 = 21.290 -> 21.29
        var rates = Catalog(Book(0.48m), Book(0.55m, from: new LocalDate(2026, 10, 20)));

        var bill = Bill(Community(), Household(100.00m), rates, October2026);

        Assert.Equal([29.42m, 21.29m], bill.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal(["test-book@2022-01-01", "test-book@2026-10-20"], bill.Lines.Select(l => l.RateVersion));
    }

    [Fact]
    public void Nothing_is_billed_before_the_community_billing_starts_and_from_that_day_on_after()
    {
        // Billing starts 2026-10-16: 16 days of 31. 100 × 0.48 × 16/31 = 24.774 -> 24.77
        var community = Community(billingStart: new LocalDate(2026, 10, 16));

        Assert.Empty(Bill(community, Household(100m), Catalog(Book()), new YearMonth(2026, 9)).Lines);
        Assert.Equal(24.77m, Assert.Single(Bill(community, Household(100m), Catalog(Book()), October2026).Lines).Amount.Yuan);
    }

    [Fact]
    public void A_vacant_home_pays_the_vacancy_share_only_where_the_rate_book_turns_it_on()
    {
        var vacant = Household(100.00m, Changes((Start, Occupancy.Vacant)));

        // With the city book: 100 × 0.40 × 70% = 28.00, and no waste fee while vacant.
        var city = Bill(Community("city"), vacant, Catalog(ExampleCity), October2026);
        // Heze-like book without a vacancy rule: in full, 48.00.
        var plain = Bill(Community(), vacant, Catalog(Book()), October2026);

        var line = Assert.Single(city.Lines);
        Assert.Equal(28.00m, line.Amount.Yuan);
        Assert.Equal("100.00 m² × 0.40 元/m²/月 × 31/31 天 × 70%（空置）", line.Formula);
        Assert.Equal(48.00m, Assert.Single(plain.Lines).Amount.Yuan);
    }

    [Fact]
    public void Fee_items_from_the_rate_file_need_no_code()
    {
        // property 100 × 0.40 = 40.00; waste 5.00; 2 permits × 20.00 = 40.00; water 12.5 m³ × 3.20 = 40.00
        var inputs = new HouseholdMonthInputs(new Dictionary<string, decimal> { ["shared-water"] = 12.5m });

        var bill = Bill(Community("city"), Household(100.00m, permits: 2), Catalog(ExampleCity), October2026, inputs);

        Assert.Equal(["property_fee", "fee:waste", "fee:parking-admin", "fee:shared-water"], bill.Lines.Select(l => l.Kind));
        Assert.Equal([40.00m, 5.00m, 40.00m, 40.00m], bill.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal("1.00 户 × 5.00 元/户/月 × 31/31 天", bill.Lines[1].Formula);
        Assert.Equal("12.50 m³ × 3.20 元/m³", bill.Lines[3].Formula);
    }

    [Fact]
    public void A_fixed_fee_is_prorated_like_the_property_fee()
    {
        // waste 5.00 × 21/30 = 3.50
        var household = Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 11, 10), Occupancy.Occupied)));

        var bill = Bill(Community("city"), household, Catalog(ExampleCity), November2026);

        Assert.Equal(3.50m, bill.Lines.Single(l => l.Kind == "fee:waste").Amount.Yuan);
    }

    [Fact]
    public void High_rise_buildings_are_priced_from_their_own_row()
    {
        // building 9 is high-rise: 100 × 1.10 = 110.00
        var community = Community("city", buildings: new Dictionary<string, BuildingType> { ["9"] = BuildingType.HighRise });

        var bill = Bill(community, Household(100.00m, building: "9"), Catalog(Book(name: "city", prices: ExampleCity.Prices)), October2026);

        Assert.Equal(110.00m, Assert.Single(bill.Lines).Amount.Yuan);
    }

    [Theory]
    [InlineData(0.44, 44.00, true)]   // within 0.40 ± 15% = 0.34 … 0.46
    [InlineData(0.34, 34.00, true)]   // the lower edge is allowed
    [InlineData(0.47, 0, false)]      // above 0.46
    public void An_agreed_price_must_lie_in_the_allowed_band(decimal agreed, decimal expected, bool allowed)
    {
        var community = Community("city", levels: Timeline<LevelAssignment>.Always(new LevelAssignment(ServiceLevel.Stars(2), new AreaPrice(agreed))));

        var bill = HouseholdBilling.Bill(community, Household(100.00m), Catalog(Book(name: "city", prices: ExampleCity.Prices)), October2026, HouseholdMonthInputs.None);

        if (allowed)
        {
            Assert.Equal(expected, Assert.Single(bill.Lines).Amount.Yuan);
        }
        else
        {
            Assert.Empty(bill.Lines);
            Assert.Contains("outside the allowed band 0.34–0.46", Assert.Single(bill.Problems).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_level_without_a_price_is_a_problem_not_a_zero()
    {
        var community = Community(levels: Timeline<LevelAssignment>.Always(new LevelAssignment(ServiceLevel.Stars(4))));

        var bill = HouseholdBilling.Bill(community, Household(100m), Catalog(Book()), October2026, HouseholdMonthInputs.None);

        Assert.Equal("rates.level.unpriced", Assert.Single(bill.Problems).Code);
    }

    [Fact]
    public void Thirty_day_proration_bills_part_months_in_thirtieths_and_whole_months_as_one()
    {
        // moved in 2026-10-10: 22 days; 100 × 0.48 × 22/30 = 35.20 (actual days would be 22/31 = 34.06)
        var household = Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 10), Occupancy.Occupied)));
        var rates = Catalog(Book(proration: Proration.ThirtyDayMonth));

        Assert.Equal(35.20m, Assert.Single(Bill(Community(), household, rates, October2026).Lines).Amount.Yuan);
        Assert.Equal(48.00m, Assert.Single(Bill(Community(), Household(100.00m), rates, October2026).Lines).Amount.Yuan);
    }

    [Fact]
    public void An_area_correction_takes_effect_from_its_date()
    {
        // 80.00 m² to 14 Oct: 80 × 0.48 × 14/31 = 17.341 -> 17.34; 85.50 m² from 15 Oct: 85.5 × 0.48 × 17/31 = 22.505 -> 22.51
        var details = Changes(
            (Start, new HouseholdDetails("1", "1", "101", new SquareMetres(80.00m), "王芳")),
            (new LocalDate(2026, 10, 15), new HouseholdDetails("1", "1", "101", new SquareMetres(85.50m), "王芳")));

        var bill = Bill(Community(), Household(0m, details: details), Catalog(Book()), October2026);

        Assert.Equal([17.34m, 22.51m], bill.Lines.Select(l => l.Amount.Yuan));
    }
}
