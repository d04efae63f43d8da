using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using Interval = NodaTime.Interval;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>Business invoices at their edges: leases that earn nothing, the order of lines and invoices, hours as shown.</summary>
[Trait("Category", "Core")]
public sealed class BusinessInvoicingEdgeTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly YearMonth October = new(2026, 10);

    /// <summary>8 October 2026, Shanghai, from the hour to the hour.</summary>
    private static Interval Oct8(int from, int to) =>
        new(new LocalDateTime(2026, 10, 8, from, 0).InZoneStrictly(Shanghai).ToInstant(), new LocalDateTime(2026, 10, 8, to, 0).InZoneStrictly(Shanghai).ToInstant());

    private static InvoicedLease Lease(long id, string space, long business, bool monthly, decimal rate, params Interval[] slots) =>
        new(new PricedLease(id, monthly, new Money(rate), slots), space, business, "p@2022-01-01");

    [Fact]
    public void A_business_whose_leases_earn_nothing_gets_no_invoice_and_businesses_come_in_order()
    {
        var leases = new[]
        {
            Lease(1, "A-1", 30, false, 5m, Oct8(9, 11)), // 2 h × 5.00 = 10.00
            Lease(2, "A-2", 10, true, 300m, Oct8(8, 18)),
            Lease(3, "A-3", 20, false, 0m, Oct8(9, 11)), // free: 2 h × 0.00
            Lease(4, "A-4", 20, true, 0m, Oct8(8, 18)), // free monthly
        };

        var drafts = BusinessInvoicing.ForCommunity(leases, October, Shanghai);

        Assert.Equal([(10L, 300.00m), (30L, 10.00m)], drafts.Select(d => (d.Business, d.Total.Yuan)));
        Assert.Equal([2L], drafts[0].Lines.Select(l => l.LeaseId));
    }

    [Fact]
    public void Lines_come_by_space_in_ordinal_order_then_by_lease()
    {
        var leases = new[]
        {
            Lease(1, "B-1", 1, false, 5m, Oct8(9, 10)),
            Lease(5, "A-2", 1, false, 5m, Oct8(9, 10)),
            Lease(3, "A-2", 1, false, 5m, Oct8(10, 11)),
            Lease(2, "a-1", 1, false, 5m, Oct8(9, 10)),
        };

        var lines = BusinessInvoicing.Lines(leases, October, Shanghai);

        Assert.Equal([(3L, "A-2"), (5L, "A-2"), (1L, "B-1"), (2L, "a-1")], lines.Select(l => (l.LeaseId, l.Space)));
    }

    [Fact]
    public void A_line_in_whole_hours_shows_them_exactly_and_names_its_basis()
    {
        var lines = BusinessInvoicing.Lines([Lease(7, "C-3", 1, false, 5m, Oct8(9, 11)), Lease(8, "C-4", 1, true, 300m, Oct8(8, 18))], October, Shanghai);

        Assert.Equal(
            new BusinessInvoiceLine(7, "C-3", false, 1, 2m, new Money(5m), new Money(10m), "车位 C-3 计时 2 小时（1 个时段）× 5.00 元/小时 = 10.00 元（四舍五入到分）", "p@2022-01-01"),
            lines[0]);
        Assert.Equal(("hourly", "monthly"), (lines[0].PriceBasis, lines[1].PriceBasis));
        Assert.Equal("车位 C-4 包月 2026年10月（1 个时段，10 小时）：300.00 元/月", lines[1].Formula);
        Assert.Equal(310.00m, new BusinessInvoiceDraft(1, lines).Total.Yuan); // 10.00 + 300.00
    }

    [Theory]
    [InlineData("2.5", "2.5")]
    [InlineData("220", "220")]
    [InlineData("1.2345", "1.2345")] // four decimals are shown as they are
    [InlineData("1.23456", "约 1.2346")] // a fifth is rounded, and said to be
    [InlineData("0.00005", "约 0.0001")] // half away from zero
    [InlineData("0.00004", "约 0")]
    public void Hours_are_shown_to_four_decimals_and_marked_when_rounded(string hours, string shown)
    {
        Assert.Equal(shown, BusinessInvoicing.HoursText(decimal.Parse(hours, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_third_of_an_hour_is_shown_as_about_0_3333()
    {
        Assert.Equal("约 0.3333", BusinessInvoicing.HoursText(1m / 3m));
    }
}
