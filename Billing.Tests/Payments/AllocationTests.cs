using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Payments;

[Trait("Category", "Core")]
public class AllocationTests
{
    private static Charge Month(long id, int month, decimal amount) =>
        new(id, new YearMonth(2026, month), new LocalDate(2026, month, 1).PlusMonths(1), new LocalDate(2026, month, 1).PlusMonths(1).PlusDays(15), new Money(amount));

    private static Payment Paid(long id, decimal amount, int day = 20, bool reversed = false) =>
        new(id, PaymentChannel.WeChatPay, $"wx{id}", new LocalDate(2026, 11, day), new Money(amount), reversed);

    [Fact]
    public void Paying_100_against_two_open_months_of_42_96_settles_both_and_leaves_14_08_credit()
    {
        var position = Allocation.Fifo([Month(1, 9, 42.96m), Month(2, 10, 42.96m)], [Paid(1, 100.00m)]);

        Assert.All(position.Charges, c => Assert.True(c.IsSettled));
        Assert.Equal(14.08m, position.Credit.Yuan);
        Assert.Equal(-14.08m, position.Balance.Yuan);
    }

    [Fact]
    public void A_partial_payment_settles_the_oldest_month_first()
    {
        // 50.00: September's 42.96 in full, 7.04 of October's; 35.92 of October stays open
        var position = Allocation.Fifo([Month(2, 10, 42.96m), Month(1, 9, 42.96m)], [Paid(1, 50.00m)]);

        Assert.Equal([(9, 42.96m, 0.00m), (10, 7.04m, 35.92m)], position.Charges.Select(c => (c.Charge.Period.Month, c.Paid.Yuan, c.Open.Yuan)));
        Assert.Equal(0.00m, position.Credit.Yuan);
        Assert.Equal(35.92m, position.Balance.Yuan);
    }

    [Fact]
    public void Credit_from_an_overpayment_settles_the_next_statement()
    {
        var position = Allocation.Fifo([Month(1, 10, 42.96m), Month(2, 11, 42.96m)], [Paid(1, 100.00m, day: 5)]);

        Assert.True(position.Charges[1].IsSettled);
        Assert.Equal(1, position.Charges[1].SettledBy.Single().PaymentId);
        Assert.Equal(14.08m, position.Credit.Yuan);
    }

    [Fact]
    public void A_reversed_payment_settles_nothing()
    {
        var position = Allocation.Fifo([Month(1, 10, 42.96m)], [Paid(1, 42.96m, reversed: true)]);

        Assert.Equal(42.96m, position.Open.Yuan);
        Assert.Equal(42.96m, position.Balance.Yuan);
    }

    [Fact]
    public void Arrears_fall_into_aging_buckets_by_days_past_the_due_date()
    {
        // due dates: Jul 16, Aug 16, Sep 16, Oct 16, Nov 16 (September billing is due Oct 16) as of 2026-11-23
        var charges = Enumerable.Range(6, 5).Select(m => Month(m, m, 10.00m)).ToList();
        var position = Allocation.Fifo(charges, []);

        var aging = AgingBuckets.Of(position, new LocalDate(2026, 11, 23));

        // June billing due Jul 16: 130 days; Jul due Aug 16: 99; Aug due Sep 16: 68; Sep due Oct 16: 38; Oct due Nov 16: 7
        Assert.Equal((10.00m, 20.00m, 20.00m, 0.00m), (aging.Days0To30.Yuan, aging.Days31To90.Yuan, aging.Days91To180.Yuan, aging.Over180.Yuan));
        Assert.Equal(50.00m, aging.Overdue.Yuan);
    }

    [Fact]
    public void The_collection_rate_is_collected_over_billed_for_the_month()
    {
        // October billed 42.96 + 33.51 + 41.47 = 117.94; collected 42.96 + 20.00 = 62.96; 62.96 / 117.94 = 53.38%
        var households = new[]
        {
            Allocation.Fifo([Month(1, 10, 42.96m)], [Paid(1, 42.96m)]),
            Allocation.Fifo([Month(2, 10, 33.51m)], [Paid(2, 20.00m)]),
            Allocation.Fifo([Month(3, 10, 41.47m)], []),
        };

        var rate = CollectionRate.For(new YearMonth(2026, 10), households);

        Assert.Equal((117.94m, 62.96m), (rate.Billed.Yuan, rate.Collected.Yuan));
        Assert.Equal("53.4%", rate.Percent);
        Assert.Equal(0.5338m, decimal.Round(rate.Rate!.Value, 4));
    }

    [BillingProperty]
    public bool The_balance_is_the_ledger_sum_and_allocation_never_exceeds_what_is_open_or_paid(PositiveInt[] chargeFen, (PositiveInt Fen, bool Reversed)[] paymentFen)
    {
        var charges = chargeFen.Select((f, i) => Month(i + 1, 1 + (i % 12), f.Get % 100_000 / 100m)).ToList();
        var payments = paymentFen.Select((p, i) => Paid(i + 1, 0.01m + (p.Fen.Get % 100_000 / 100m), day: 1 + (i % 28), reversed: p.Reversed)).ToList();

        var position = Allocation.Fifo(charges, payments);

        var standing = payments.Where(p => !p.Reversed).Sum(p => p.Amount.Yuan);
        var allocated = position.Charges.Sum(c => c.Paid.Yuan);
        return position.Balance.Yuan == charges.Sum(c => c.Amount.Yuan) - standing
            && position.Charges.All(c => c.Paid >= Money.Zero && c.Paid <= c.Charge.Amount && c.SettledBy.Sum(s => s.Amount.Yuan) == c.Paid.Yuan)
            && allocated <= standing
            && position.Credit.Yuan == standing - allocated
            && (position.Open == Money.Zero || position.Credit == Money.Zero)
            && position.Balance == position.Open - position.Credit;
    }
}
