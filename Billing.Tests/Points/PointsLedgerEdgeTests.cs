using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Points;

namespace RedProperty.Billing.Tests.Points;

/// <summary>The points rules at the edges: the day points are earned, the day they expire, whole reward steps, and a credit equal to the statement.</summary>
[Trait("Category", "Core")]
public class PointsLedgerEdgeTests
{
    private static readonly Reward FeeCredit = new("fee-credit", "物业费抵扣", RewardKind.FeeCredit, 100, new Money(10.00m), 500);
    private static readonly Reward Coupon = new("parking-coupon", "免费停车券（一次）", RewardKind.Voucher, 50, null, 200);

    private static readonly LocalDate Earned = new(2024, 3, 1);
    private static readonly LocalDate Expires = new(2026, 3, 1);

    private static Earning[] OneEarning(int points = 100) => [new Earning(1, Earned, points, Expires)];

    [Fact]
    public void Points_can_be_spent_on_the_day_they_are_earned_but_not_the_day_before()
    {
        var sameDay = PointsLedger.Replay(OneEarning(), [new Spending(2, Earned, 100)], []);

        Assert.Equal([new PointUse(1, 2, 100)], sameDay.Uses);
        var before = Assert.Throws<InvalidOperationException>(() => PointsLedger.Replay(OneEarning(), [new Spending(2, Earned.PlusDays(-1), 100)], []));
        Assert.Equal("Spending 2 of 100 points exceeds the points available on 2024-02-29.", before.Message);
    }

    [Fact]
    public void Points_can_be_redeemed_the_day_before_they_expire_but_not_on_the_expiry_date()
    {
        var dayBefore = PointsLedger.Replay(OneEarning(), [new Spending(2, Expires.PlusDays(-1), 100)], []);

        Assert.Equal((100, 100, 0, 0), (dayBefore.Earned, dayBefore.Redeemed, dayBefore.Expired, dayBefore.Balance));
        Assert.Throws<InvalidOperationException>(() => PointsLedger.Replay(OneEarning(), [new Spending(2, Expires, 100)], []));
    }

    [Fact]
    public void An_expiry_takes_the_points_left_on_the_expiry_date_itself()
    {
        // 100 earned, 30 redeemed, the other 70 expire on 2026-03-01: balance 100 - 30 - 70 = 0.
        var position = PointsLedger.Replay(OneEarning(), [new Spending(2, new LocalDate(2025, 1, 1), 30)], [new Spending(3, Expires, 70)]);

        Assert.Equal([new PointUse(1, 2, 30), new PointUse(1, 3, 70)], position.Uses);
        Assert.Equal((100, 30, 70, 0), (position.Earned, position.Redeemed, position.Expired, position.Balance));
        Assert.Empty(position.Unused);
    }

    [Fact]
    public void A_spending_skips_used_up_earnings_and_records_only_what_it_took()
    {
        // Earnings 1 (40) and 2 (60), both never expiring. Spending 3 takes 40 from 1; spending 4 finds 1 empty,
        // takes 50 of 2 and stops: no zero-point uses, and 10 points of 2 are left.
        var earnings = new[] { new Earning(1, Earned, 40, null), new Earning(2, Earned.PlusDays(1), 60, null) };

        var position = PointsLedger.Replay(earnings, [new Spending(3, new LocalDate(2024, 4, 1), 40), new Spending(4, new LocalDate(2024, 5, 1), 50)], []);

        Assert.Equal([new PointUse(1, 3, 40), new PointUse(2, 4, 50)], position.Uses);
        Assert.Equal([(2L, 10, (LocalDate?)null)], position.Unused);
        Assert.Equal(10, position.Balance);
    }

    [Fact]
    public void Spendings_on_the_same_day_are_taken_in_id_order_and_earnings_oldest_first()
    {
        // Earning 5 (older) is used before earning 4 though its id is higher; spending 6 before 7 on the same day.
        var earnings = new[] { new Earning(4, new LocalDate(2024, 6, 1), 50, null), new Earning(5, new LocalDate(2024, 5, 1), 50, null) };

        var position = PointsLedger.Replay(earnings, [new Spending(7, new LocalDate(2024, 7, 1), 20), new Spending(6, new LocalDate(2024, 7, 1), 60)], []);

        Assert.Equal([new PointUse(5, 6, 50), new PointUse(4, 6, 10), new PointUse(4, 7, 20)], position.Uses);
    }

    [Fact]
    public void Earnings_on_the_same_day_are_used_in_id_order()
    {
        var earnings = new[] { new Earning(9, Earned, 50, null), new Earning(8, Earned, 50, null) };

        var position = PointsLedger.Replay(earnings, [new Spending(10, Earned, 60)], []);

        Assert.Equal([new PointUse(8, 10, 50), new PointUse(9, 10, 10)], position.Uses);
    }

    [Fact]
    public void Points_available_on_a_day_are_those_earned_by_then_and_not_yet_expired()
    {
        var earnings = OneEarning();
        var position = PointsLedger.Replay(earnings, [], []);

        Assert.Equal(0, PointsLedger.Available(position, earnings, Earned.PlusDays(-1)));
        Assert.Equal(100, PointsLedger.Available(position, earnings, Earned));
        Assert.Equal(100, PointsLedger.Available(position, earnings, Expires.PlusDays(-1)));
        Assert.Equal(0, PointsLedger.Available(position, earnings, Expires));
    }

    [Fact]
    public void Points_that_never_expire_stay_available()
    {
        var earnings = new[] { new Earning(1, Earned, 30, null), new Earning(2, Earned, 20, Expires) };
        var position = PointsLedger.Replay(earnings, [], []);

        // 30 + 20 before the expiry; 30 alone from the expiry date on.
        Assert.Equal(50, PointsLedger.Available(position, earnings, Earned));
        Assert.Equal(30, PointsLedger.Available(position, earnings, new LocalDate(2040, 1, 1)));
    }

    [Fact]
    public void An_expiry_is_due_on_its_date_not_the_day_before()
    {
        var position = PointsLedger.Replay(OneEarning(), [], []);

        Assert.Empty(PointsLedger.DueExpiries(position, Expires.PlusDays(-1)));
        Assert.Equal([(1L, Expires, 100)], PointsLedger.DueExpiries(position, Expires));
    }

    [Theory]
    // 100 points = 10.00 yuan: 100 → 1 unit, 10.00; 500 → 5 units, 50.00.
    [InlineData(100, 1, 10.00)]
    [InlineData(500, 5, 50.00)]
    public void A_credit_is_bought_in_whole_units(int points, int units, decimal yuan)
    {
        var (credit, bought, problem) = PointsLedger.Price(FeeCredit, points);

        Assert.Null(problem);
        Assert.Equal((yuan, units), (credit!.Value.Yuan, bought));
    }

    [Theory]
    [InlineData(250)]
    [InlineData(0)]
    [InlineData(-100)]
    [InlineData(99)]
    public void Points_not_in_whole_steps_are_refused_with_the_step(int points)
    {
        Assert.Equal((null, 0, $"物业费抵扣 is redeemed in steps of 100 points, not {points}"), PointsLedger.Price(FeeCredit, points));
    }

    [Fact]
    public void A_voucher_buys_units_and_no_credit()
    {
        // 150 points at 50 a coupon: 3 coupons.
        Assert.Equal(((Money?)null, 3, (string?)null), PointsLedger.Price(Coupon, 150));
    }

    [Theory]
    // statement, pending credit → applied. A credit never takes a statement below zero; what is left waits.
    [InlineData(42.96, 20.00, 20.00)]
    [InlineData(42.96, 42.96, 42.96)]
    [InlineData(42.96, 50.00, 42.96)]
    [InlineData(0.00, 20.00, 0.00)]
    [InlineData(-5.00, 20.00, 0.00)]
    [InlineData(42.96, 0.00, 0.00)]
    [InlineData(42.96, -5.00, 0.00)]
    [InlineData(0.01, 0.02, 0.01)]
    public void A_credit_applies_up_to_the_statement_total(decimal total, decimal pending, decimal applied)
    {
        Assert.Equal(applied, PointsCredit.Applicable(new Money(total), new Money(pending)).Yuan);
    }

    [Fact]
    public void A_credit_line_stores_what_was_pending_and_what_was_applied()
    {
        var basis = new PointsCreditBasis(new Money(30.00m), new Money(26.53m), FenRounding.HalfAwayFromZero);

        Assert.Equal((30.00m, "元", (decimal?)null, (string?)null), (basis.Inputs.Quantity!.Value, basis.Inputs.QuantityUnit, basis.Inputs.Rate, basis.Inputs.RateUnit));
        Assert.Equal(-26.53m, basis.Exact);
        // 30.00 - 26.53 = 3.47 waits for next month.
        Assert.Equal("积分兑换抵扣 26.53 元（可抵 30.00 元，余 3.47 元下月继续抵扣）", basis.Describe());
        Assert.Equal("积分兑换抵扣 30.00 元", new PointsCreditBasis(new Money(30.00m), new Money(30.00m), FenRounding.HalfAwayFromZero).Describe());
        Assert.Equal(("points_credit", "志愿积分抵扣物业费"), (PointsCredit.Kind, PointsCredit.Label));
    }
}
