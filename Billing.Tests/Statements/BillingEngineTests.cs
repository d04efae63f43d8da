using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Statements;

/// <summary>Billing a whole community for a month: which households get a statement, its dates and its totals.</summary>
[Trait("Category", "Core")]
public class BillingEngineTests
{
    private static readonly YearMonth October = new(2026, 10);

    private static Household Numbered(string code, decimal area) => Household(area) with { Code = new HouseholdCode(code) };

    private static CommunityBill BillOctober(Community community, IEnumerable<Household> households, Func<HouseholdCode, HouseholdMonthInputs>? inputs = null) =>
        BillingEngine.BillCommunity(community, households, Catalog(Book()), October, StatementCalendar.Default, inputs);

    [Fact]
    public void Statements_for_October_are_issued_on_1_November_and_due_15_days_later()
    {
        var statement = Assert.Single(BillOctober(Community(), [Household(100.00m)]).Statements);

        Assert.Equal((new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 16)), (statement.IssueDate, statement.DueDate));
        Assert.Equal("202610-T-1", statement.Number);
    }

    [Fact]
    public void December_statements_are_issued_in_the_new_year_and_the_days_to_pay_are_data()
    {
        var calendar = new StatementCalendar(10);

        Assert.Equal(new LocalDate(2027, 1, 1), calendar.IssueDate(new YearMonth(2026, 12)));
        Assert.Equal(new LocalDate(2027, 1, 11), calendar.DueDate(new YearMonth(2026, 12)));
        Assert.Equal(15, StatementCalendar.Default.DaysToPay);
    }

    [Fact]
    public void A_community_that_starts_billing_on_the_last_day_of_the_month_is_billed_for_that_day()
    {
        // 100.00 m² × 0.48 × 1/31 = 1.548… -> 1.55
        var bill = BillOctober(Community(billingStart: new LocalDate(2026, 10, 31)), [Household(100.00m)]);

        Assert.False(bill.NotYetBilled);
        Assert.True(bill.Succeeded);
        Assert.Equal(1.55m, Assert.Single(bill.Statements).Total.Yuan);
    }

    [Fact]
    public void A_community_that_starts_billing_the_next_day_is_not_yet_billed()
    {
        var bill = BillOctober(Community(billingStart: new LocalDate(2026, 11, 1)), [Household(100.00m)]);

        Assert.True(bill.NotYetBilled);
        Assert.Empty(bill.Statements);
        Assert.Empty(bill.Problems);
    }

    [Fact]
    public void Households_of_other_communities_and_homes_billed_nothing_get_no_statement()
    {
        var elsewhere = Numbered("X-1", 90.00m) with { Community = new CommunityCode("X") };
        var notHandedOver = Household(80.00m, Timeline<Occupancy>.Always(Occupancy.NotBilled)) with { Code = new HouseholdCode("T-2") };

        var bill = BillOctober(Community(), [Numbered("T-1", 100.00m), elsewhere, notHandedOver]);

        Assert.Equal(["T-1"], bill.Statements.Select(s => s.Household.Code.Value));
    }

    [Fact]
    public void One_household_that_cannot_be_priced_stops_the_whole_community()
    {
        // Only multi-storey buildings are priced; building 9 is a high-rise.
        var book = Book(prices: [new LevelPrice(ServiceLevel.Stars(2), BuildingType.MultiStorey, new AreaPrice(0.48m), 0m)]);
        var community = Community(buildings: new Dictionary<string, BuildingType> { ["9"] = BuildingType.HighRise });
        var highRise = Household(90.00m, building: "9") with { Code = new HouseholdCode("T-9") };

        var bill = BillingEngine.BillCommunity(community, [Numbered("T-1", 100.00m), highRise], Catalog(book), October, StatementCalendar.Default);

        Assert.False(bill.Succeeded);
        Assert.False(bill.NotYetBilled);
        Assert.Empty(bill.Statements);
        var problem = Assert.Single(bill.Problems);
        Assert.Equal(("household T-9", "rates.level.unpriced"), (problem.Source, problem.Code));
        Assert.Equal(0.00m, bill.Total.Yuan);
    }

    [Fact]
    public void The_header_shows_the_household_as_at_the_end_of_the_month()
    {
        // 90.00 m² until the 19th, 100.00 m² from the 20th: the header shows 100.00.
        var details = Changes(
            (Start, new HouseholdDetails("1", "1", "101", new SquareMetres(90.00m), "王芳")),
            (new LocalDate(2026, 10, 20), new HouseholdDetails("1", "1", "101", new SquareMetres(100.00m), "王芳")));

        var statement = Assert.Single(BillOctober(Community(), [Household(0m, details: details)]).Statements);

        Assert.Equal(100.00m, statement.Details.Area.Value);
        Assert.Equal(2, statement.Lines.Count);
    }

    [Fact]
    public void Points_earned_and_held_are_carried_onto_the_statement()
    {
        var summary = new PointsSummary(30, 10, 120);

        var statement = Assert.Single(BillOctober(Community(), [Household(100.00m)], _ => HouseholdMonthInputs.None with { Points = summary }).Statements);

        Assert.Equal(summary, statement.Points);
    }

    [Fact]
    public void The_community_totals_are_sums_of_the_statements()
    {
        // 86.40 × 0.48 = 41.472 -> 41.47, district 86.40 × 0.10 = 8.64;
        // 100.00 × 0.48 = 48.00, district 100.00 × 0.10 = 10.00.
        // Standard 89.47, district 18.64, total 89.47 − 18.64 = 70.83; residents 41.47 − 8.64 = 32.83 and 48.00 − 10.00 = 38.00.
        var subsidies = SubsidyCatalog.Create([("p.json", Subsidies.SubsidyTests.Policy())]);

        var bill = BillingEngine.BillCommunity(Community(), [Numbered("T-1", 86.40m), Numbered("T-2", 100.00m)], Catalog(Book()), October,
            StatementCalendar.Default, subsidies: subsidies);

        Assert.Equal((89.47m, 18.64m, 70.83m), (bill.StandardFee.Yuan, bill.DistrictShare.Yuan, bill.Total.Yuan));
        Assert.Equal([32.83m, 38.00m], bill.Statements.Select(s => s.ResidentShare.Yuan));
    }
}
