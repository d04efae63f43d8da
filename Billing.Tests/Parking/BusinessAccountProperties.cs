using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>Random payments, reversals and issued invoices of one business: its balances always add up and never go negative.</summary>
[Trait("Category", "Core")]
public class BusinessAccountProperties
{
    /// <summary>
    /// Each step either issues an invoice of <c>Fen</c> (taking credit as the store does), pays
    /// <c>Fen</c> on an invoice, or reverses a payment. Afterwards the open balances less the credit
    /// equal invoiced − paid + reversed to the fen (credit is what the business is owed, so it is
    /// subtracted), and no open balance, credit, amount due or payment's use is negative or too large.
    /// </summary>
    [BillingProperty]
    public bool Open_less_credit_is_invoiced_less_paid_plus_reversed_and_nothing_is_negative((byte Kind, ushort Fen, byte Pick)[] steps)
    {
        var invoices = new List<CreditInvoice>();
        var payments = new List<CreditPayment>();
        var applications = new List<CreditApplication>();
        BusinessAccount Account() => new(invoices.ToList(), payments.ToList(), applications.ToList());
        foreach (var (kind, fen, pick) in steps)
        {
            var amount = new Money(fen / 100m);
            switch (kind % 3)
            {
                case 0:
                    var id = invoices.Count + 1;
                    applications.AddRange(Account().ApplyTo(id, amount));
                    invoices.Add(new CreditInvoice(id, amount));
                    break;
                case 1 when invoices.Count > 0 && fen > 0:
                    payments.Add(new CreditPayment(payments.Count + 1, invoices[pick % invoices.Count].Id, amount, false));
                    break;
                case 2 when payments.Count > 0:
                    var i = pick % payments.Count;
                    payments[i] = payments[i] with { Reversed = true };
                    break;
            }
        }

        var account = Account();
        var invoiced = Money.Sum(invoices.Select(i => i.Total));
        var paid = Money.Sum(payments.Select(p => p.Amount));
        var reversed = Money.Sum(payments.Where(p => p.Reversed).Select(p => p.Amount));
        var balances = invoices.Select(i => account.BalanceOf(i.Id)).ToList();
        return account.Open - account.Credit == invoiced - paid + reversed
            && balances.All(b => b.Open >= Money.Zero && b.Surplus >= Money.Zero && b.Due >= Money.Zero)
            && account.Credit >= Money.Zero
            && Money.Sum(account.CreditSources().Select(s => s.Amount)) == account.Credit
            && payments.All(p => Money.Sum(applications.Where(a => a.Payment == p.Id).Select(a => a.Amount)) <= p.Amount)
            && applications.GroupBy(a => (a.Payment, a.Invoice)).All(g => g.Count() == 1);
    }
}
