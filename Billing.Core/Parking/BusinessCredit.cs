namespace RedProperty.Billing.Core.Parking;

/// <summary>An issued invoice of a business in a community: its lease charges.</summary>
public sealed record CreditInvoice(long Id, Money Total);

/// <summary>A payment recorded against one of the business's invoices; a reversed one counts for nothing.</summary>
public sealed record CreditPayment(long Id, long Invoice, Money Amount, bool Reversed);

/// <summary>Surplus of <paramref name="Payment"/> taken off invoice <paramref name="Invoice"/> when it was issued.</summary>
public sealed record CreditApplication(long Payment, long Invoice, Money Amount);

/// <summary>A business's invoices, payments and credit applications in one community, and what they add up to.</summary>
public sealed record BusinessAccount(IReadOnlyList<CreditInvoice> Invoices, IReadOnlyList<CreditPayment> Payments, IReadOnlyList<CreditApplication> Applications)
{
    public InvoiceBalance BalanceOf(long invoice) => new(
        Invoices.Single(i => i.Id == invoice).Total,
        Money.Sum(Payments.Where(p => p.Invoice == invoice && !p.Reversed).Select(p => p.Amount)),
        Money.Sum(Applications.Where(a => a.Invoice == invoice).Select(a => a.Amount)),
        Money.Sum(Applications.Where(a => InvoiceOf(a.Payment) == invoice).Select(a => a.Amount)));

    /// <summary>Open credit: every invoice's surplus. Never negative, because each surplus is not.</summary>
    public Money Credit => Money.Sum(Invoices.Select(i => BalanceOf(i.Id).Surplus));

    public Money Open => Money.Sum(Invoices.Select(i => BalanceOf(i.Id).Open));

    /// <summary>
    /// Which payments the open credit comes from, so an application row can name one. An invoice's
    /// surplus is put on its latest payments first (the one that overpaid), each up to what it has
    /// not already given to another invoice.
    /// </summary>
    public IReadOnlyList<(long Payment, Money Amount)> CreditSources()
    {
        var sources = new List<(long, Money)>();
        foreach (var invoice in Invoices)
        {
            var left = BalanceOf(invoice.Id).Surplus;
            foreach (var p in Payments.Where(p => p.Invoice == invoice.Id && !p.Reversed).OrderByDescending(p => p.Id))
            {
                if (left <= Money.Zero)
                {
                    break;
                }

                var unused = p.Amount - Money.Sum(Applications.Where(a => a.Payment == p.Id).Select(a => a.Amount));
                var take = unused < left ? unused : left;
                if (take > Money.Zero)
                {
                    sources.Add((p.Id, take));
                    left -= take;
                }
            }
        }

        return sources;
    }

    /// <summary>
    /// The applications a newly issued invoice of <paramref name="total"/> takes from the open
    /// credit, oldest payment first, never more than the invoice so it is never negative.
    /// </summary>
    public IReadOnlyList<CreditApplication> ApplyTo(long invoice, Money total)
    {
        var applications = new List<CreditApplication>();
        var left = total;
        foreach (var (payment, amount) in CreditSources().OrderBy(s => s.Payment))
        {
            if (left <= Money.Zero)
            {
                break;
            }

            var take = amount < left ? amount : left;
            applications.Add(new CreditApplication(payment, invoice, take));
            left -= take;
        }

        return applications;
    }

    private long? InvoiceOf(long payment) => Payments.FirstOrDefault(p => p.Id == payment)?.Invoice;
}
