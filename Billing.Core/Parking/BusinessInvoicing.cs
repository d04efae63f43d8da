using System.Globalization;
using NodaTime;

namespace RedProperty.Billing.Core.Parking;

/// <summary>A lease as an invoice needs it: how it is priced, which space, who leases it and the price version fixed when it was made.</summary>
public sealed record InvoicedLease(PricedLease Lease, string Space, long Business, string RateVersion);

/// <summary>One lease on a business's invoice for a month, with how its amount was computed.</summary>
/// <param name="Slots">The lease's time slots that fall in the month.</param>
/// <param name="Hours">Hours of those slots inside the month, exact.</param>
public sealed record BusinessInvoiceLine(long LeaseId, string Space, bool Monthly, int Slots, decimal Hours, Money Rate, Money Amount, string Formula, string RateVersion)
{
    public string PriceBasis => Monthly ? "monthly" : "hourly";
}

/// <summary>A business's invoice for a community and month, before it is numbered and stored.</summary>
public sealed record BusinessInvoiceDraft(long Business, IReadOnlyList<BusinessInvoiceLine> Lines)
{
    /// <summary>The sum of the rounded lines, as every total is.</summary>
    public Money Total => Money.Sum(Lines.Select(l => l.Amount));
}

/// <summary>
/// 共享停车费账单: what each business owes a community for a month of daytime leases. Each line is
/// priced by <see cref="LeaseIncome.For"/>, the same function that fills the residents' pool, so the
/// community's invoices for a month add up to exactly the lease income the pool distributes.
/// </summary>
public static class BusinessInvoicing
{
    /// <summary>One draft per business with something to pay, in business order; leases that earn nothing in the month are left out.</summary>
    public static IReadOnlyList<BusinessInvoiceDraft> ForCommunity(IEnumerable<InvoicedLease> leases, YearMonth period, DateTimeZone zone) =>
        leases
            .GroupBy(l => l.Business)
            .OrderBy(g => g.Key)
            .Select(g => new BusinessInvoiceDraft(g.Key, Lines(g, period, zone)))
            .Where(d => d.Lines.Count > 0)
            .ToList();

    public static IReadOnlyList<BusinessInvoiceLine> Lines(IEnumerable<InvoicedLease> leases, YearMonth period, DateTimeZone zone)
    {
        var lines = new List<BusinessInvoiceLine>();
        foreach (var l in leases.OrderBy(l => l.Space, StringComparer.Ordinal).ThenBy(l => l.Lease.Id))
        {
            var (slots, hours) = LeaseIncome.In(l.Lease, period, zone);
            var amount = LeaseIncome.For(l.Lease, period, zone);
            if (slots == 0 || amount == Money.Zero)
            {
                continue;
            }

            lines.Add(new BusinessInvoiceLine(l.Lease.Id, l.Space, l.Lease.Monthly, slots, hours, l.Lease.Rate, amount, Formula(l, period, slots, hours, amount), l.RateVersion));
        }

        return lines;
    }

    private static string Formula(InvoicedLease l, YearMonth period, int slots, decimal hours, Money amount)
    {
        var h = HoursText(hours);
        return l.Lease.Monthly
            ? $"车位 {l.Space} 包月 {period.Year}年{period.Month}月（{slots} 个时段，{h} 小时）：{l.Lease.Rate.ToFenString()} 元/月"
            : $"车位 {l.Space} 计时 {h} 小时（{slots} 个时段）× {l.Lease.Rate.ToFenString()} 元/小时 = {amount.ToFenString()} 元（四舍五入到分）";
    }

    /// <summary>Hours to at most four decimals for reading; the amount is computed from the exact hours.</summary>
    public static string HoursText(decimal hours)
    {
        var shown = decimal.Round(hours, 4, MidpointRounding.AwayFromZero);
        return (shown == hours ? "" : "约 ") + shown.ToString("0.####", CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// An invoice's position. <paramref name="Total"/> is its lease charges (what the pool counts);
/// <paramref name="CreditApplied"/> is earlier surplus taken off it when it was issued, so the
/// business is asked for <see cref="Due"/>. <paramref name="Paid"/> counts payments not reversed;
/// <paramref name="CreditGiven"/> is surplus of this invoice's payments already taken off later
/// invoices: if such a payment is reversed afterwards, that amount is owed here again rather than
/// unpicked from an invoice that was issued with it.
/// </summary>
public sealed record InvoiceBalance(Money Total, Money Paid, Money CreditApplied = default, Money CreditGiven = default)
{
    public Money Due => Total - CreditApplied;

    private Money Net => Due - Paid + CreditGiven;

    public Money Open => Net > Money.Zero ? Net : Money.Zero;

    /// <summary>Paid beyond what is due: the business's credit, until a later invoice takes it.</summary>
    public Money Surplus => Net < Money.Zero ? -Net : Money.Zero;

    public bool Settled => Open <= Money.Zero;
}
