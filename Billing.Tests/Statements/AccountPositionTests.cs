using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Statements;

namespace RedProperty.Billing.Tests.Statements;

/// <summary>The account block of a statement: previous balance, payments since, this month's charges, and what is due.</summary>
[Trait("Category", "Core")]
public class AccountPositionTests
{
    private static AccountPosition From(decimal previousAmountDue, decimal ledgerBalance, decimal charges) =>
        AccountPosition.From(new Money(previousAmountDue), new Money(ledgerBalance), new Money(charges));

    [Fact]
    public void A_part_payment_leaves_the_rest_due_with_the_new_charges()
    {
        // Previous statement asked 100.00; the ledger now stands at 40.00, so 60.00 was paid since.
        // Due: 100.00 − 60.00 + 50.00 = 90.00.
        var account = From(100.00m, 40.00m, 50.00m);

        Assert.Equal((100.00m, -60.00m, 50.00m), (account.PreviousBalance.Yuan, account.PaymentsSince.Yuan, account.Charges.Yuan));
        Assert.Equal(90.00m, account.AmountDue.Yuan);
        Assert.Equal(90.00m, account.ToPay.Yuan);
        Assert.Equal(0.00m, account.Credit.Yuan);
    }

    [Fact]
    public void Paying_in_advance_leaves_nothing_to_pay_and_a_credit()
    {
        // 50.00 was asked, 80.00 paid (ledger −30.00), 20.00 charged: 50.00 − 80.00 + 20.00 = −10.00.
        var account = From(50.00m, -30.00m, 20.00m);

        Assert.Equal(-80.00m, account.PaymentsSince.Yuan);
        Assert.Equal(-10.00m, account.AmountDue.Yuan);
        Assert.Equal(0.00m, account.ToPay.Yuan);
        Assert.Equal(10.00m, account.Credit.Yuan);
    }

    [Fact]
    public void An_advance_that_exactly_covers_the_charges_leaves_neither_anything_to_pay_nor_a_credit()
    {
        // 50.00 asked, 70.00 paid (ledger −20.00), 20.00 charged: 50.00 − 70.00 + 20.00 = 0.00.
        var account = From(50.00m, -20.00m, 20.00m);

        Assert.Equal(0.00m, account.AmountDue.Yuan);
        Assert.Equal(0.00m, account.ToPay.Yuan);
        Assert.Equal(0.00m, account.Credit.Yuan);
        Assert.False(account.Credit.IsNegative);
    }

    [Fact]
    public void One_fen_short_is_one_fen_to_pay()
    {
        // 50.00 asked, 49.99 paid (ledger 0.01), nothing charged: 0.01 due.
        var account = From(50.00m, 0.01m, 0.00m);

        Assert.Equal((0.01m, 0.00m), (account.ToPay.Yuan, account.Credit.Yuan));
    }

    [Fact]
    public void A_first_statement_has_no_previous_balance()
    {
        var account = From(0.00m, 0.00m, 42.96m);

        Assert.Equal((0.00m, 0.00m, 42.96m, 42.96m), (account.PreviousBalance.Yuan, account.PaymentsSince.Yuan, account.AmountDue.Yuan, account.ToPay.Yuan));
        Assert.Equal(new AccountPosition(Money.Zero, Money.Zero, Money.Zero), AccountPosition.None);
    }
}
