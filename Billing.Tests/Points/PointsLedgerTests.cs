using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Tests.Support;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Points;

[Trait("Category", "Core")]
public class PointsLedgerTests
{
    private static readonly Reward FeeCredit = new("fee-credit", "物业费抵扣", RewardKind.FeeCredit, 100, new Money(10.00m), 500);

    [Fact]
    public void Redeeming_200_of_250_points_at_100_points_for_10_yuan_buys_20_yuan_and_leaves_50()
    {
        var earnings = new[] { new Earning(1, new LocalDate(2026, 9, 1), 150, null), new Earning(2, new LocalDate(2026, 10, 1), 100, null) };
        var (credit, units, problem) = PointsLedger.Price(FeeCredit, 200);

        var position = PointsLedger.Replay(earnings, [new Spending(3, new LocalDate(2026, 10, 20), 200)], []);

        Assert.Null(problem);
        Assert.Equal((20.00m, 2), (credit!.Value.Yuan, units));
        Assert.Equal(50, position.Balance);
        Assert.Equal([(1L, 150), (2L, 50)], position.Uses.Select(u => (u.EarningId, u.Points)));
    }

    [Fact]
    public void Points_are_redeemed_in_whole_steps_of_the_reward()
    {
        Assert.NotNull(PointsLedger.Price(FeeCredit, 250).Problem);
        Assert.NotNull(PointsLedger.Price(FeeCredit, 0).Problem);
    }

    [Fact]
    public void A_20_yuan_credit_against_42_96_leaves_22_96_to_pay()
    {
        // 89.50 m² × 0.48 = 42.96; credit 20.00; due 22.96
        var inputs = HouseholdMonthInputs.None with { PointsCredit = new Money(20.00m) };

        var bill = Bill(Community(), Household(89.50m), Catalog(Book()), new YearMonth(2026, 10), inputs);

        Assert.Equal([42.96m, -20.00m], bill.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal(22.96m, bill.Total.Yuan);
        Assert.Equal("积分兑换抵扣 20.00 元", bill.Lines[1].Formula);
    }

    [Fact]
    public void A_credit_larger_than_the_statement_takes_it_to_zero_and_the_rest_waits()
    {
        var inputs = HouseholdMonthInputs.None with { PointsCredit = new Money(50.00m) };

        var bill = Bill(Community(), Household(89.50m), Catalog(Book()), new YearMonth(2026, 10), inputs);

        Assert.Equal(0.00m, bill.Total.Yuan);
        Assert.Equal("积分兑换抵扣 42.96 元（可抵 50.00 元，余 7.04 元下月继续抵扣）", bill.Lines[1].Formula);
    }

    [Fact]
    public void Unused_points_expire_on_their_date_and_the_oldest_are_used_first()
    {
        var earnings = new[]
        {
            new Earning(1, new LocalDate(2024, 1, 10), 100, new LocalDate(2026, 1, 10)),
            new Earning(2, new LocalDate(2025, 6, 1), 100, new LocalDate(2027, 6, 1)),
        };
        var redeemedEarly = PointsLedger.Replay(earnings, [new Spending(3, new LocalDate(2025, 12, 1), 60)], []);

        var due = PointsLedger.DueExpiries(redeemedEarly, new LocalDate(2026, 2, 1));
        var afterExpiry = PointsLedger.Replay(earnings, [new Spending(3, new LocalDate(2025, 12, 1), 60)], [new Spending(4, new LocalDate(2026, 1, 10), 40)]);

        Assert.Equal([(1L, new LocalDate(2026, 1, 10), 40)], due);
        Assert.Equal((200, 60, 40, 100), (afterExpiry.Earned, afterExpiry.Redeemed, afterExpiry.Expired, afterExpiry.Balance));
        Assert.Throws<InvalidOperationException>(() =>
            PointsLedger.Replay(earnings, [new Spending(5, new LocalDate(2026, 3, 1), 150)], [new Spending(4, new LocalDate(2026, 1, 10), 100)]));
    }

    [BillingProperty]
    public bool Balance_is_earned_minus_redeemed_minus_expired_and_never_negative((PositiveInt Points, bool Spend, int Day)[] script)
    {
        // Simulate a resident: earn, or try to spend what the rules allow on that day; expire what is due.
        var earnings = new List<Earning>();
        var redemptions = new List<Spending>();
        var expiries = new List<Spending>();
        var day = new LocalDate(2024, 1, 1);
        long id = 0;
        foreach (var (points, spend, gap) in script)
        {
            day = day.PlusDays(Math.Abs(gap) % 60);
            var position = PointsLedger.Replay(earnings, redemptions, expiries);
            foreach (var (_, on, due) in PointsLedger.DueExpiries(position, day))
            {
                expiries.Add(new Spending(++id, on, due));
                position = PointsLedger.Replay(earnings, redemptions, expiries);
            }

            if (spend)
            {
                var available = PointsLedger.Available(position, earnings, day);
                var want = Math.Min(points.Get % 500 + 1, available);
                if (want > 0)
                {
                    redemptions.Add(new Spending(++id, day, want));
                }
            }
            else
            {
                earnings.Add(new Earning(++id, day, points.Get % 100 + 1, day.PlusMonths(12)));
            }
        }

        var final = PointsLedger.Replay(earnings, redemptions, expiries);
        return final.Balance == earnings.Sum(e => e.Points) - redemptions.Sum(r => r.Points) - expiries.Sum(x => x.Points)
            && final.Balance >= 0
            && final.Uses.Sum(u => u.Points) == final.Redeemed + final.Expired
            && earnings.All(e => final.Uses.Where(u => u.EarningId == e.Id).Sum(u => u.Points) <= e.Points);
    }
}
