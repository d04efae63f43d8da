using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>
/// A business's invoices, payments and credit with hand-worked figures, including the edges: paid to
/// the fen, a surplus exactly as large as one payment, an invoice exactly as large as the credit.
/// </summary>
[Trait("Category", "Core")]
public sealed class BusinessCreditEdgeTests
{
    private static Money Y(decimal yuan) => new(yuan);

    [Theory]
    //           total  paid    applied given   due    open   surplus settled
    [InlineData(100.00, 100.00, 0.00, 0.00, 100.00, 0.00, 0.00, true)] // paid to the fen
    [InlineData(100.00, 99.99, 0.00, 0.00, 100.00, 0.01, 0.00, false)] // a fen short
    [InlineData(100.00, 100.01, 0.00, 0.00, 100.00, 0.00, 0.01, true)] // a fen over
    [InlineData(100.00, 60.00, 30.00, 0.00, 70.00, 10.00, 0.00, false)] // 100 − 30 credit = 70 due; 70 − 60 = 10 open
    [InlineData(100.00, 120.00, 0.00, 15.00, 100.00, 0.00, 5.00, true)] // 100 − 120 + 15 = −5: 5 surplus
    [InlineData(100.00, 120.00, 0.00, 25.00, 100.00, 5.00, 0.00, false)] // 100 − 120 + 25 = 5 open again
    [InlineData(0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, true)]
    public void An_invoice_balance_is_due_less_paid_plus_credit_given(
        decimal total, decimal paid, decimal applied, decimal given, decimal due, decimal open, decimal surplus, bool settled)
    {
        var balance = new InvoiceBalance(Y(total), Y(paid), Y(applied), Y(given));

        Assert.Equal((due, open, surplus, settled), (balance.Due.Yuan, balance.Open.Yuan, balance.Surplus.Yuan, balance.Settled));
    }

    /// <summary>
    /// Invoice 1 of 100.00 is paid 80.00 (payment 1) and 40.00 (payment 2, reversed); invoice 2 of
    /// 50.00 is paid 90.00 (payment 3), so it has 40.00 surplus; invoice 3 of 30.00 was issued taking
    /// 30.00 of it. Invoice 1: 100 − 80 = 20.00 open (the reversed 40 counts for nothing). Invoice 2:
    /// 50 − 90 + 30 given = −10: 10.00 surplus. Invoice 3: due 30 − 30 = 0, settled.
    /// </summary>
    private static BusinessAccount Account() => new(
        [new CreditInvoice(1, Y(100m)), new CreditInvoice(2, Y(50m)), new CreditInvoice(3, Y(30m))],
        [new CreditPayment(1, 1, Y(80m), false), new CreditPayment(2, 1, Y(40m), true), new CreditPayment(3, 2, Y(90m), false)],
        [new CreditApplication(3, 3, Y(30m))]);

    [Fact]
    public void Each_invoice_counts_its_own_payments_not_reversed_and_the_credit_taken_and_given()
    {
        var account = Account();

        Assert.Equal(new InvoiceBalance(Y(100m), Y(80m), Y(0m), Y(0m)), account.BalanceOf(1));
        Assert.Equal(new InvoiceBalance(Y(50m), Y(90m), Y(0m), Y(30m)), account.BalanceOf(2));
        Assert.Equal(new InvoiceBalance(Y(30m), Y(0m), Y(30m), Y(0m)), account.BalanceOf(3));
        Assert.Equal((20.00m, 10.00m), (account.Open.Yuan, account.Credit.Yuan));
        Assert.Equal([(3L, Y(10m))], account.CreditSources());
    }

    [Fact]
    public void A_new_invoice_takes_no_more_than_the_10_yuan_of_credit_left()
    {
        Assert.Equal([new CreditApplication(3, 4, Y(10m))], Account().ApplyTo(4, Y(25m)));
    }

    [Fact]
    public void A_surplus_comes_from_the_latest_payment_first()
    {
        // Invoice of 100.00 paid 80.00 then 50.00: 30.00 surplus, all of it from the later payment 2.
        var account = new BusinessAccount([new CreditInvoice(1, Y(100m))], [new CreditPayment(1, 1, Y(80m), false), new CreditPayment(2, 1, Y(50m), false)], []);

        Assert.Equal([(2L, Y(30m))], account.CreditSources());
    }

    /// <summary>Invoice of 10.00 paid 30.00 then 20.00: 40.00 surplus, 20.00 of it from payment 2 (all of it) and 20.00 from payment 1.</summary>
    private static BusinessAccount TwoSources() =>
        new([new CreditInvoice(1, Y(10m))], [new CreditPayment(1, 1, Y(30m), false), new CreditPayment(2, 1, Y(20m), false)], []);

    [Fact]
    public void A_surplus_comes_only_from_payments_on_that_invoice()
    {
        // Invoice 1 of 100.00 paid 130.00 (payment 1): 30.00 surplus, from payment 1, not from the
        // later payment 2 that settled invoice 2 (50.00 of 50.00).
        var account = new BusinessAccount(
            [new CreditInvoice(1, Y(100m)), new CreditInvoice(2, Y(50m))],
            [new CreditPayment(1, 1, Y(130m), false), new CreditPayment(2, 2, Y(50m), false)],
            []);

        Assert.Equal([(1L, Y(30m))], account.CreditSources());
        Assert.Throws<InvalidOperationException>(() => account.BalanceOf(3)); // no such invoice
    }

    [Fact]
    public void A_surplus_larger_than_the_latest_payment_takes_the_rest_from_the_one_before()
    {
        Assert.Equal([(2L, Y(20m)), (1L, Y(20m))], TwoSources().CreditSources());
    }

    [Fact]
    public void A_surplus_exactly_as_large_as_the_latest_payment_comes_from_it_alone()
    {
        // Invoice of 30.00 paid 30.00 then 20.00: 20.00 surplus, exactly payment 2.
        var account = new BusinessAccount([new CreditInvoice(1, Y(30m))], [new CreditPayment(1, 1, Y(30m), false), new CreditPayment(2, 1, Y(20m), false)], []);

        Assert.Equal([(2L, Y(20m))], account.CreditSources());
    }

    [Fact]
    public void A_payment_already_given_in_full_to_another_invoice_is_no_source_even_for_nothing()
    {
        // Invoice 1 of 50.00 is paid 100.00 (payment 1) and 30.00 (payment 2), and payment 2's 30.00
        // went to invoice 2 when it was issued: 50 − 130 + 30 = −50, so 50.00 surplus; payment 2 has
        // 30 − 30 = 0 left, so all 50.00 comes from payment 1.
        var account = new BusinessAccount(
            [new CreditInvoice(1, Y(50m)), new CreditInvoice(2, Y(30m))],
            [new CreditPayment(1, 1, Y(100m), false), new CreditPayment(2, 1, Y(30m), false)],
            [new CreditApplication(2, 2, Y(30m))]);

        Assert.Equal([(1L, Y(50m))], account.CreditSources());
    }

    [Theory]
    // Credit of 20.00 from payment 1 and 20.00 from payment 2, taken oldest payment first.
    [InlineData(30.00, new[] { 1, 2 }, new[] { 20.00, 10.00 })] // 20 from payment 1, the other 10 from payment 2
    [InlineData(20.00, new[] { 1 }, new[] { 20.00 })] // exactly payment 1's part: nothing (not even 0.00) from payment 2
    [InlineData(19.99, new[] { 1 }, new[] { 19.99 })]
    [InlineData(40.00, new[] { 1, 2 }, new[] { 20.00, 20.00 })] // exactly all the credit
    [InlineData(40.01, new[] { 1, 2 }, new[] { 20.00, 20.00 })] // more than the credit: the rest is asked for
    [InlineData(0.00, new int[0], new double[0])]
    public void A_new_invoice_takes_credit_oldest_payment_first_up_to_its_total(decimal total, int[] payments, double[] amounts)
    {
        var applications = TwoSources().ApplyTo(7, Y(total));

        Assert.Equal(
            payments.Zip(amounts, (p, a) => new CreditApplication(p, 7, Y((decimal)a))),
            applications);
    }

    [Fact]
    public void Without_credit_a_new_invoice_takes_nothing()
    {
        var account = new BusinessAccount([new CreditInvoice(1, Y(100m))], [new CreditPayment(1, 1, Y(100m), false)], []);

        Assert.Empty(account.CreditSources());
        Assert.Empty(account.ApplyTo(2, Y(50m)));
        Assert.Equal((0.00m, 0.00m), (account.Open.Yuan, account.Credit.Yuan));
    }
}
