using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Fees;

/// <summary>
/// The property fee and fee items at the edges of a month: a change on the first or last day, two
/// changes on one day, the thirty-day rule when every day is billed, meters and vacancy. October
/// 2026 has 31 days; each amount is worked by hand in its comment.
/// </summary>
[Trait("Category", "Core")]
public class HouseholdBillingEdgeTests
{
    private static readonly YearMonth October = new(2026, 10);

    private static readonly IReadOnlyList<LevelPrice> TwoLevels =
    [
        new LevelPrice(ServiceLevel.Stars(2), null, new AreaPrice(0.40m), 0m),
        new LevelPrice(ServiceLevel.Stars(3), null, new AreaPrice(0.50m), 0m),
    ];

    private static Timeline<LevelAssignment> ThreeStarsFrom(int day) => Changes(
        (Start, new LevelAssignment(ServiceLevel.Stars(2))),
        (new LocalDate(2026, 10, day), new LevelAssignment(ServiceLevel.Stars(3))));

    private static Timeline<HouseholdDetails> AreaFrom(int day, decimal before, decimal after) => Changes(
        (Start, new HouseholdDetails("1", "1", "101", new SquareMetres(before), "王芳")),
        (new LocalDate(2026, 10, day), new HouseholdDetails("1", "1", "101", new SquareMetres(after), "王芳")));

    private static FeeItem Water(decimal rate, string? unit = "m³") => new("shared-water", "公共区域水费分摊", FeeBasis.PerMeteredUnit, rate, unit, VacantCharge.Full);

    private static HouseholdMonthInputs Reading(decimal quantity) => new(new Dictionary<string, decimal> { ["shared-water"] = quantity });

    [Fact]
    public void A_whole_month_split_in_two_under_the_thirty_day_rule_is_divided_by_its_31_days()
    {
        // Every day billed, so the 30-day rule does not apply: 100 × 0.40 × 15/31 = 19.354… -> 19.35; 100 × 0.50 × 16/31 = 25.806… -> 25.81
        var bill = Bill(Community(levels: ThreeStarsFrom(16)), Household(100.00m), Catalog(Book(proration: Proration.ThirtyDayMonth, prices: TwoLevels)), October);

        Assert.Equal([19.35m, 25.81m], bill.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal("100.00 m² × 0.40 元/m²/月 × 15/31 天（10月1日–10月15日）", bill.Lines[0].Formula);
    }

    [Fact]
    public void Under_the_thirty_day_rule_one_unbilled_day_makes_the_month_thirtieths()
    {
        // Handed over on 2 October: 30 days billed of 31, so 100 × 0.48 × 30/30 = 48.00.
        var household = Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 2), Occupancy.Occupied)));

        var line = Assert.Single(Bill(Community(), household, Catalog(Book(proration: Proration.ThirtyDayMonth)), October).Lines);

        Assert.Equal(48.00m, line.Amount.Yuan);
        Assert.Equal("100.00 m² × 0.48 元/m²/月 × 30/30 天（10月2日–10月31日）", line.Formula);
    }

    [Fact]
    public void Two_changes_on_the_same_day_cut_the_month_once()
    {
        // Level and area both change on the 16th: 90 × 0.40 × 15/31 = 17.419… -> 17.42; 100 × 0.50 × 16/31 = 25.806… -> 25.81
        var bill = Bill(Community(levels: ThreeStarsFrom(16)), Household(0m, details: AreaFrom(16, 90.00m, 100.00m)), Catalog(Book(prices: TwoLevels)), October);

        Assert.Equal([17.42m, 25.81m], bill.Lines.Select(l => l.Amount.Yuan));
    }

    [Fact]
    public void Changes_from_different_sources_cut_the_month_in_date_order()
    {
        // Level on the 20th, area on the 10th:
        //  1– 9:  90 × 0.40 ×  9/31 = 10.451… -> 10.45
        // 10–19: 100 × 0.40 × 10/31 = 12.903… -> 12.90
        // 20–31: 100 × 0.50 × 12/31 = 19.354… -> 19.35
        var bill = Bill(Community(levels: ThreeStarsFrom(20)), Household(0m, details: AreaFrom(10, 90.00m, 100.00m)), Catalog(Book(prices: TwoLevels)), October);

        Assert.Equal([10.45m, 12.90m, 19.35m], bill.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal([9, 10, 12], bill.Lines.Select(l => ((ProratedBasis)l.Basis).Days));
    }

    [Fact]
    public void A_change_on_the_last_day_bills_that_day_on_its_own()
    {
        // Area 90 → 100 on the 31st: 90 × 0.48 × 30/31 = 41.806… -> 41.81; 100 × 0.48 × 1/31 = 1.548… -> 1.55
        var bill = Bill(Community(), Household(0m, details: AreaFrom(31, 90.00m, 100.00m)), Catalog(Book()), October);

        Assert.Equal([41.81m, 1.55m], bill.Lines.Select(l => l.Amount.Yuan));
    }

    [Theory]
    // billing start   amount   (100 × 0.48 = 48.00 a month)
    [InlineData(1, 48.00, "100.00 m² × 0.48 元/m²/月 × 31/31 天")]                      // from the 1st: a whole month
    [InlineData(2, 46.45, "100.00 m² × 0.48 元/m²/月 × 30/31 天（10月2日–10月31日）")]  // 48.00 × 30/31 = 46.451… -> 46.45
    public void Billing_that_starts_on_the_first_day_is_a_whole_month(int day, decimal expected, string formula)
    {
        var line = Assert.Single(Bill(Community(billingStart: new LocalDate(2026, 10, day)), Household(100.00m), Catalog(Book()), October).Lines);

        Assert.Equal((expected, formula), (line.Amount.Yuan, line.Formula));
        Assert.Equal(day == 1 ? "true" : "false", line.Basis.Inputs.Extra["whole_month"]);
    }

    [Fact]
    public void A_part_month_without_a_rate_version_is_a_problem_and_the_rest_is_still_priced()
    {
        // The only version starts on the 10th: 1–9 October cannot be priced; 10–31: 100 × 0.48 × 22/31 = 34.064… -> 34.06
        var bill = HouseholdBilling.Bill(Community(), Household(100.00m), Catalog(Book(from: new LocalDate(2026, 10, 10))), October, HouseholdMonthInputs.None);

        var problem = Assert.Single(bill.Problems);
        Assert.Equal(("household T-1", "rates.version.missing", "rate book 'test-book' has no version in force on 2026-10-01"),
            (problem.Source, problem.Code, problem.Message));
        Assert.Equal(34.06m, Assert.Single(bill.Lines).Amount.Yuan);
    }

    [Fact]
    public void Every_part_that_cannot_be_priced_is_its_own_problem()
    {
        // 4 stars for 1–15 October, 5 stars from the 16th: the book prices neither.
        var levels = Changes((Start, new LevelAssignment(ServiceLevel.Stars(4))), (new LocalDate(2026, 10, 16), new LevelAssignment(ServiceLevel.Stars(5))));

        var bill = HouseholdBilling.Bill(Community(levels: levels), Household(100.00m), Catalog(Book()), October, HouseholdMonthInputs.None);

        Assert.Equal(["rates.level.unpriced", "rates.level.unpriced"], bill.Problems.Select(p => p.Code));
        Assert.Empty(bill.Lines);
    }

    [Fact]
    public void A_meter_reading_is_priced_by_the_version_in_force_on_the_last_billed_day()
    {
        // Water 3.20 until the 19th, 4.00 from the 20th. 10 m³: 40.00 at the later price;
        // moved out on the 15th, the last billed day is the 14th: 10 × 3.20 = 32.00.
        var rates = Catalog(Book(items: [Water(3.20m)]), Book(items: [Water(4.00m)], from: new LocalDate(2026, 10, 20)));
        var movedOut = Household(100.00m, Changes((Start, Occupancy.Occupied), (new LocalDate(2026, 10, 15), Occupancy.NotBilled)));

        var stayed = Bill(Community(), Household(100.00m), rates, October, Reading(10m)).Lines.Single(l => l.Kind == "fee:shared-water");
        var left = Bill(Community(), movedOut, rates, October, Reading(10m)).Lines.Single(l => l.Kind == "fee:shared-water");

        Assert.Equal((40.00m, "test-book@2026-10-20"), (stayed.Amount.Yuan, stayed.RateVersion));
        Assert.Equal((32.00m, "test-book@2022-01-01"), (left.Amount.Yuan, left.RateVersion));
    }

    [Fact]
    public void A_zero_reading_or_a_home_billed_no_day_gets_no_meter_line()
    {
        var rates = Catalog(Book(items: [Water(3.20m)]));
        var notHandedOver = Household(100.00m, Timeline<Occupancy>.Always(Occupancy.NotBilled));

        Assert.Equal([HouseholdBilling.PropertyFeeKind], Bill(Community(), Household(100.00m), rates, October, Reading(0m)).Lines.Select(l => l.Kind));
        Assert.Empty(Bill(Community(), notHandedOver, rates, October, Reading(10m)).Lines);
    }

    [Fact]
    public void A_meter_without_a_unit_is_read_in_units()
    {
        // 3 × 2.00 = 6.00
        var line = Bill(Community(), Household(100.00m), Catalog(Book(items: [Water(2.00m, unit: null)])), October, Reading(3m)).Lines[1];

        Assert.Equal((6.00m, "3.00 单位 × 2.00 元/单位"), (line.Amount.Yuan, line.Formula));
        Assert.Equal((3m, "单位", 2.00m, "元/单位"), (line.Basis.Inputs.Quantity, line.Basis.Inputs.QuantityUnit, line.Basis.Inputs.Rate, line.Basis.Inputs.RateUnit));
        Assert.Equal((null, null, null, null), (line.Basis.Inputs.Days, line.Basis.Inputs.Denominator, line.Basis.Inputs.From, line.Basis.Inputs.Share));
    }

    [Fact]
    public void While_vacant_an_item_charged_by_share_takes_the_vacancy_share_and_one_charged_in_full_does_not()
    {
        // Vacant all October: property 100 × 0.48 × 70% = 33.60; lift 100 × 0.10 × 70% = 7.00; security 1 户 × 8.00 in full; waste none.
        var book = Book(vacancy: new VacancyRule(0.70m), items:
        [
            new FeeItem("lift", "电梯运行费", FeeBasis.PerArea, 0.10m, null, VacantCharge.Share),
            new FeeItem("security", "秩序维护费", FeeBasis.PerHousehold, 8.00m, null, VacantCharge.Full),
            new FeeItem("waste", "生活垃圾清运费", FeeBasis.PerHousehold, 5.00m, null, VacantCharge.None),
        ]);

        var bill = Bill(Community(), Household(100.00m, Timeline<Occupancy>.Always(Occupancy.Vacant)), Catalog(book), October);

        Assert.Equal(["property_fee", "fee:lift", "fee:security"], bill.Lines.Select(l => l.Kind));
        Assert.Equal([33.60m, 7.00m, 8.00m], bill.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal("100.00 m² × 0.10 元/m²/月 × 31/31 天 × 70%（空置）", bill.Lines[1].Formula);
    }

    [Fact]
    public void Without_a_vacancy_rule_an_item_charged_by_share_is_charged_in_full()
    {
        // 100 × 0.10 = 10.00
        var book = Book(items: [new FeeItem("lift", "电梯运行费", FeeBasis.PerArea, 0.10m, null, VacantCharge.Share)]);

        var bill = Bill(Community(), Household(100.00m, Timeline<Occupancy>.Always(Occupancy.Vacant)), Catalog(book), October);

        Assert.Equal([48.00m, 10.00m], bill.Lines.Select(l => l.Amount.Yuan));
    }

    [Fact]
    public void A_per_permit_item_needs_a_permit()
    {
        // 1 permit × 20.00 = 20.00; none: no line.
        var book = Book(items: [new FeeItem("parking-admin", "车位管理费", FeeBasis.PerParkingPermit, 20.00m, null, VacantCharge.Full)]);

        Assert.Equal([48.00m, 20.00m], Bill(Community(), Household(100.00m, permits: 1), Catalog(book), October).Lines.Select(l => l.Amount.Yuan));
        Assert.Equal([48.00m], Bill(Community(), Household(100.00m), Catalog(book), October).Lines.Select(l => l.Amount.Yuan));
        Assert.Equal("1.00 个 × 20.00 元/个/月 × 31/31 天", Bill(Community(), Household(100.00m, permits: 1), Catalog(book), October).Lines[1].Formula);
    }

    [Fact]
    public void Lines_not_priced_by_a_part_of_the_month_round_by_the_book_in_force_at_its_end()
    {
        Assert.Equal(FenRounding.HalfToEven, HouseholdBilling.RoundingFor(Community(), Catalog(Book(rounding: FenRounding.HalfToEven)), October));
        Assert.Equal(FenRounding.HalfAwayFromZero,
            HouseholdBilling.RoundingFor(Community(), Catalog(Book(rounding: FenRounding.HalfToEven, from: new LocalDate(2026, 11, 1))), October));
    }

    [Fact]
    public void A_part_line_stores_its_days_its_denominator_its_dates_and_its_share()
    {
        // Handed over on the 10th, vacant: 22 of 31 days at 70 %.
        var household = Household(100.00m, Changes((Start, Occupancy.NotBilled), (new LocalDate(2026, 10, 10), Occupancy.Vacant)));

        var inputs = Assert.Single(Bill(Community(), household, Catalog(Book(vacancy: new VacancyRule(0.70m))), October).Lines).Basis.Inputs;

        Assert.Equal((100.00m, "m²", 0.48m, "元/m²/月"), (inputs.Quantity, inputs.QuantityUnit, inputs.Rate, inputs.RateUnit));
        Assert.Equal((22, 31, new LocalDate(2026, 10, 10), new LocalDate(2026, 10, 31), 0.70m), (inputs.Days, inputs.Denominator, inputs.From, inputs.To, inputs.Share));
        Assert.Equal("false", inputs.Extra["whole_month"]);
    }
}
