using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Tests.Support;
using Interval = NodaTime.Interval;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>Invoices to businesses in Core: one line per lease, priced as the pool counts it.</summary>
[Trait("Category", "Core")]
public class BusinessInvoicingTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly YearMonth October = new(2026, 10);

    private static Interval At(int month, int day, int fromHour, int fromMinute, int toHour, int toMinute) =>
        new(new LocalDateTime(2026, month, day, fromHour, fromMinute).InZoneStrictly(Shanghai).ToInstant(),
            new LocalDateTime(2026, month, day, toHour, toMinute).InZoneStrictly(Shanghai).ToInstant());

    private static InvoicedLease Monthly(long id, string space, long business, YearMonth month) =>
        new(new PricedLease(id, true, new Money(300m), DailyWindow.WorkingDayDaytime.Occurrences(month, HolidayCalendar.None, Shanghai).ToList()), space, business, "tcjy-parking@2022-01-01");

    private static InvoicedLease Hourly(long id, string space, long business, decimal rate, params Interval[] slots) =>
        new(new PricedLease(id, false, new Money(rate), slots), space, business, "tcjy-parking@2022-01-01");

    [Fact]
    public void Two_monthly_spaces_and_3_hours_50_plus_20_minutes_at_5_yuan_are_600_and_19_17()
    {
        var leases = new[]
        {
            Monthly(1, "A-001", 10, October),
            Monthly(2, "A-002", 10, October),
            Hourly(3, "A-003", 20, 5m, At(10, 8, 9, 0, 12, 30), At(10, 9, 8, 0, 8, 20)),
            Monthly(4, "A-004", 20, October.PlusMonths(1)), // November only: nothing in October
        };

        var drafts = BusinessInvoicing.ForCommunity(leases, October, Shanghai);

        Assert.Equal([10L, 20L], drafts.Select(d => d.Business));
        Assert.Equal([300.00m, 300.00m], drafts[0].Lines.Select(l => l.Amount.Yuan));
        Assert.Equal(600.00m, drafts[0].Total.Yuan);

        // 3.5 h + 1/3 h = 3.8333… h × 5.00 = 19.1666… → 19.17
        var hourly = Assert.Single(drafts[1].Lines);
        Assert.Equal((2, 19.17m), (hourly.Slots, hourly.Amount.Yuan));
        Assert.Equal(23m / 6m, hourly.Hours);
        Assert.Equal("车位 A-003 计时 约 3.8333 小时（2 个时段）× 5.00 元/小时 = 19.17 元（四舍五入到分）", hourly.Formula);
        Assert.Equal("tcjy-parking@2022-01-01", hourly.RateVersion);
        Assert.Equal("车位 A-001 包月 2026年10月（22 个时段，220 小时）：300.00 元/月", drafts[0].Lines[0].Formula);
        Assert.Equal(619.17m, drafts.Sum(d => d.Total.Yuan));
    }

    [Theory]
    [InlineData(0.03, 30, 0.02)] // 0.015 rounds half away from zero (四舍五入)
    [InlineData(5.00, 20, 1.67)] // 1.6666…
    [InlineData(5.00, 30, 2.50)]
    public void An_hourly_line_is_rate_times_exact_hours_rounded_once_to_the_fen(decimal rate, int minutes, decimal expected)
    {
        var line = Assert.Single(BusinessInvoicing.Lines([Hourly(1, "B-1", 1, rate, At(10, 8, 9, 0, 9 + (minutes / 60), minutes % 60))], October, Shanghai));

        Assert.Equal(expected, line.Amount.Yuan);
    }

    [Fact]
    public void A_booking_across_the_end_of_the_month_is_split_between_the_months_by_its_hours()
    {
        var lease = Hourly(1, "B-1", 1, 5m, new Interval(
            new LocalDateTime(2026, 10, 31, 22, 0).InZoneStrictly(Shanghai).ToInstant(), new LocalDateTime(2026, 11, 1, 2, 0).InZoneStrictly(Shanghai).ToInstant()));

        Assert.Equal(10.00m, Assert.Single(BusinessInvoicing.Lines([lease], October, Shanghai)).Amount.Yuan);
        Assert.Equal(10.00m, Assert.Single(BusinessInvoicing.Lines([lease], October.PlusMonths(1), Shanghai)).Amount.Yuan);
    }

    [BillingProperty]
    public bool A_communitys_invoices_add_up_to_the_fen_to_the_lease_income_of_the_pool((byte Business, bool Monthly, byte RateFen, (byte Day, byte From, byte Length)[] Slots)[] leases)
    {
        // Slots in late September to early November, so some fall outside October or cross into it.
        var priced = leases.Select((l, i) => new InvoicedLease(
            new PricedLease(i + 1, l.Monthly, new Money(l.Monthly ? 300m : l.RateFen / 100m),
                l.Slots.Select(s =>
                {
                    var start = new LocalDateTime(2026, 9, 25, 0, 0).PlusDays(s.Day % 45).PlusMinutes(10 * (s.From % 144)).InZoneStrictly(Shanghai).ToInstant();
                    return new Interval(start, start + Duration.FromMinutes(10 * (1 + (s.Length % 60))));
                }).ToList()),
            $"S-{i}", l.Business % 4, "v")).ToList();

        var drafts = BusinessInvoicing.ForCommunity(priced, October, Shanghai);
        var income = Money.Sum(priced.Select(p => LeaseIncome.For(p.Lease, October, Shanghai)));

        return Money.Sum(drafts.Select(d => d.Total)) == income
            && drafts.All(d => d.Lines.All(l => l.Amount.IsWholeFen && l.Amount > Money.Zero) && d.Total == Money.Sum(d.Lines.Select(l => l.Amount)))
            && drafts.Select(d => d.Business).Distinct().Count() == drafts.Count;
    }

    [Fact]
    public void Saturday_and_Sunday_09_to_17_in_October_2026_are_9_days_or_7_without_the_National_Day_holidays()
    {
        var holidays = new HolidayCalendar(Enumerable.Range(1, 7).Select(d => new LocalDate(2026, 10, d)).ToHashSet(), new HashSet<LocalDate> { new(2026, 10, 10) });
        Assert.True(WeeklyWindow.TryCreate(["sat", "周日"], "09:00", "17:00", false, out var all, out _));
        Assert.True(WeeklyWindow.TryCreate(["sat", "7"], "09:00", "17:00", true, out var skipping, out _));

        var every = all.Occurrences(October, holidays, Shanghai).ToList();
        var working = skipping.Occurrences(October, holidays, Shanghai).ToList();

        // Saturdays 3, 10, 17, 24, 31 and Sundays 4, 11, 18, 25; the holidays take 3 and 4.
        Assert.Equal(9, every.Count);
        Assert.Equal(7, working.Count);
        Assert.Equal(Instant.FromUtc(2026, 10, 10, 1, 0), working[0].Start); // 09:00 in Shanghai
        Assert.Equal(Duration.FromHours(8), working[0].Duration);
        Assert.Equal("周六、周日 09:00–17:00（法定节假日除外）", skipping.Describe());
    }

    [Fact]
    public void Monday_to_Friday_lunchtime_skips_holidays_but_adds_no_make_up_days()
    {
        var holidays = new HolidayCalendar(Enumerable.Range(1, 7).Select(d => new LocalDate(2026, 10, d)).ToHashSet(), new HashSet<LocalDate> { new(2026, 10, 10) });
        Assert.True(WeeklyWindow.TryCreate(["mon", "tue", "wed", "thu", "fri"], "12:00", "14:00", true, out var lunch, out _));

        // 22 weekdays less the holiday weekdays 1, 2, 5, 6, 7 = 17; the make-up Saturday 10 Oct is not a chosen weekday.
        Assert.Equal(17, lunch.Occurrences(October, holidays, Shanghai).Count());
        Assert.Equal(18, DailyWindow.WorkingDayDaytime.Occurrences(October, holidays, Shanghai).Count());
    }

    [Theory]
    [InlineData(new[] { "fri", "xyz" }, "08:00", "18:00", "weekdays")]
    [InlineData(new string[0], "08:00", "18:00", "weekdays")]
    [InlineData(new[] { "fri" }, "8am", "18:00", "from")]
    [InlineData(new[] { "fri" }, "18:00", "08:00", "to")]
    [InlineData(new[] { "fri" }, "08:00", "08:00", "to")]
    public void A_bad_window_names_the_field(string[] weekdays, string from, string to, string field)
    {
        Assert.False(WeeklyWindow.TryCreate(weekdays, from, to, true, out _, out var problem));
        Assert.Equal(field, problem.Field);
    }
}
