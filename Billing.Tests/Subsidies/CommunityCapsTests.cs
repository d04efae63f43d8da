using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>
/// A community cap at its edge and across a policy version that changes inside the month. Two
/// households of 310 and 620 m² at 0.10 yuan/m²/month; the policy changes on 16 October, so each
/// household has a line for 1–15 October (15/31) and one for 16–31 October (16/31):
/// 310 × 0.10 × 15/31 = 15.00 and 310 × 0.10 × 16/31 = 16.00; 620 m² gives 30.00 and 32.00.
/// </summary>
[Trait("Category", "Core")]
public class CommunityCapsTests
{
    private static readonly YearMonth October2026 = new(2026, 10);

    private static IReadOnlyList<StatementModel> Bill(Money? firstCap, Money? secondCap)
    {
        var households = new[] { 310m, 620m }.Select((a, i) => Household(a) with { Code = new HouseholdCode($"T-{i}") }).ToList();
        var first = SubsidyTests.Policy(rate: 0.10m, communityCap: firstCap);
        var second = SubsidyTests.Policy(rate: 0.10m, communityCap: secondCap, from: new LocalDate(2026, 10, 16));

        var bill = BillingEngine.BillCommunity(Community(), households, Catalog(Book()), October2026, StatementCalendar.Default, null,
            SubsidyCatalog.Create([("p2.json", second), ("p1.json", first)]));

        Assert.True(bill.Succeeded);
        return bill.Statements;
    }

    private static decimal[] DistrictLines(StatementModel s) => [.. s.Lines.Where(l => l.Kind == SubsidyLines.Kind).Select(l => -l.Amount.Yuan)];

    [Fact]
    public void Without_caps_each_household_gets_its_two_lines()
    {
        var statements = Bill(null, null);

        Assert.Equal([15.00m, 16.00m], DistrictLines(statements[0]));
        Assert.Equal([30.00m, 32.00m], DistrictLines(statements[1]));
    }

    [Fact]
    public void The_versions_of_a_policy_share_one_cap_per_month_in_date_order()
    {
        // Cap 50.00 on both versions: the first pays 15.00 + 30.00 = 45.00 in full; the second may pay 50.00 - 45.00 = 5.00
        // of its 16.00 + 32.00 = 48.00, split 16 : 32: 500 fen × 16/48 = 166.67, × 32/48 = 333.33 -> 166 + 333 = 499,
        // the last fen to the larger remainder (0.67): 1.67 and 3.33.
        var statements = Bill(new Money(50.00m), new Money(50.00m));

        Assert.Equal([15.00m, 1.67m], DistrictLines(statements[0]));
        Assert.Equal([30.00m, 3.33m], DistrictLines(statements[1]));
        Assert.Equal(50.00m, statements.Sum(s => s.DistrictShare.Yuan));
        Assert.EndsWith("，以 1.67 元为限", statements[0].Lines.Last(l => l.Kind == SubsidyLines.Kind).Formula, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cap_exactly_reached_leaves_the_lines_as_they_are_and_the_next_version_gets_nothing()
    {
        // First version: 45.00 against a cap of 45.00 is not over it, so its lines are not marked capped.
        // Second version: 45.00 - 45.00 = 0.00 left, so its lines pay 0.00.
        var statements = Bill(new Money(45.00m), new Money(45.00m));

        Assert.Equal([15.00m, 0.00m], DistrictLines(statements[0]));
        Assert.Equal([30.00m, 0.00m], DistrictLines(statements[1]));
        Assert.Equal("区财政代付 310.00 m² × 0.10 元/m²/月 × 15/31 天", statements[0].Lines.First(l => l.Kind == SubsidyLines.Kind).Formula);
    }

    [Fact]
    public void A_cap_one_fen_under_the_total_scales_the_lines()
    {
        // 4499 fen split 15 : 30 -> 1499.67 and 2999.33 -> 1499 + 2999 = 4498, the last fen to the larger remainder: 15.00 and 29.99.
        var statements = Bill(new Money(44.99m), null);

        Assert.Equal([15.00m, 16.00m], DistrictLines(statements[0]));
        Assert.Equal([29.99m, 32.00m], DistrictLines(statements[1]));
    }

    [Fact]
    public void A_later_version_with_a_lower_cap_than_already_paid_pays_nothing_not_a_negative_amount()
    {
        // The first version pays 45.00 under its cap of 50.00; the second's cap of 40.00 is already exceeded: 0.00, not 40.00 - 45.00.
        var statements = Bill(new Money(50.00m), new Money(40.00m));

        Assert.Equal([15.00m, 0.00m], DistrictLines(statements[0]));
        Assert.Equal([30.00m, 0.00m], DistrictLines(statements[1]));
    }

    [Fact]
    public void An_uncapped_later_version_is_not_limited_by_the_earlier_cap()
    {
        // First version capped at 40.00 of 45.00: 4000 fen × 15/45 = 1333.33, × 30/45 = 2666.67 -> 13.33 and 26.67;
        // the second version has no cap and pays 16.00 and 32.00.
        var statements = Bill(new Money(40.00m), null);

        Assert.Equal([13.33m, 16.00m], DistrictLines(statements[0]));
        Assert.Equal([26.67m, 32.00m], DistrictLines(statements[1]));
    }

    [Fact]
    public void A_version_held_to_its_cap_counts_the_capped_amount_against_the_next_cap()
    {
        // First version capped at 40.00 of 45.00: it pays 13.33 and 26.67 (as above), 40.00 in all.
        // The second version's cap of 50.00 leaves 50.00 - 40.00 = 10.00 for its 48.00:
        // 1000 fen × 16/48 = 333.33, × 32/48 = 666.67 -> 333 + 666 = 999, the last fen to the larger remainder: 3.33 and 6.67.
        var statements = Bill(new Money(40.00m), new Money(50.00m));

        Assert.Equal([13.33m, 3.33m], DistrictLines(statements[0]));
        Assert.Equal([26.67m, 6.67m], DistrictLines(statements[1]));
        Assert.Equal(50.00m, statements.Sum(s => s.DistrictShare.Yuan));
    }

    [Fact]
    public void An_uncapped_earlier_version_does_not_use_up_the_later_cap()
    {
        // The first version has no cap (45.00 paid in full); the second has 20.00 for its 48.00:
        // 2000 fen × 16/48 = 666.67, × 32/48 = 1333.33 -> 6.67 and 13.33.
        var statements = Bill(null, new Money(20.00m));

        Assert.Equal([15.00m, 6.67m], DistrictLines(statements[0]));
        Assert.Equal([30.00m, 13.33m], DistrictLines(statements[1]));
    }

    [Theory]
    // 10 fen in three equal shares: 3.33 fen each, floors 3 + 3 + 3 = 9, the last fen to the first (ties go to the earlier).
    [InlineData("0.10", "1,1,1", "0.04,0.03,0.03")]
    // 5 fen in 1 : 2: 1.67 and 3.33 -> 1 and 3, the last fen to the larger remainder 0.67 -> 0.02, 0.03.
    [InlineData("0.05", "1,2", "0.02,0.03")]
    // Exactly divisible: no fen left over.
    [InlineData("0.06", "1,2", "0.02,0.04")]
    // Nothing to split by: every share is zero.
    [InlineData("10.00", "0,0", "0.00,0.00")]
    [InlineData("0.00", "1,2", "0.00,0.00")]
    public void Proportional_shares_add_up_to_the_amount(string amount, string weights, string shares)
    {
        var result = Allocation.Proportional(new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)),
            [.. weights.Split(',').Select(w => new Money(decimal.Parse(w, System.Globalization.CultureInfo.InvariantCulture)))]);

        Assert.Equal(shares, string.Join(",", result.Select(m => m.ToFenString())));
    }

    [Fact]
    public void Nothing_is_split_among_no_weights()
    {
        Assert.Empty(Allocation.Proportional(new Money(1.00m), []));
    }
}
