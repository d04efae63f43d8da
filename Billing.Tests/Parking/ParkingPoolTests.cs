using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using Interval = NodaTime.Interval;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Parking;

[Trait("Category", "Core")]
public class ParkingPoolTests
{
    private static List<PermitMonth> Permits(int count, decimal share = 1m) =>
        Enumerable.Range(1, count).Select(i => new PermitMonth($"P{i:D2}", new Money(150m), new Money(50m), share)).ToList();

    [Fact]
    public void Duyun_a_pool_of_1500_over_20_permits_brings_each_from_150_to_75()
    {
        var distribution = ParkingPool.Distribute(new Money(1500m), Permits(20), FenRounding.HalfAwayFromZero);

        Assert.All(distribution.Reductions, r => Assert.Equal((75.00m, 75.00m), (r.Reduction.Yuan, r.Due.Yuan)));
        Assert.Equal(0.00m, distribution.CarriedForward.Yuan);
    }

    [Fact]
    public void Duyun_a_pool_of_3000_stops_at_the_50_floor_and_carries_1000_forward()
    {
        var distribution = ParkingPool.Distribute(new Money(3000m), Permits(20), FenRounding.HalfAwayFromZero);

        Assert.All(distribution.Reductions, r => Assert.Equal(50.00m, r.Due.Yuan));
        Assert.Equal(1000.00m, distribution.CarriedForward.Yuan);
    }

    [Fact]
    public void A_permit_held_half_the_month_gets_half_the_reduction_and_leftover_fen_are_carried()
    {
        // 100.00 over 2.5 whole-month permits = 40.00 per month; the half-month permit gets 20.00
        var permits = Permits(2).Append(new PermitMonth("HALF", new Money(150m), new Money(50m), 0.5m)).ToList();

        var distribution = ParkingPool.Distribute(new Money(100.00m), permits, FenRounding.HalfAwayFromZero);

        Assert.Equal([40.00m, 40.00m, 20.00m], distribution.Reductions.Select(r => r.Reduction.Yuan));
        Assert.Equal((75.00m, 55.00m), (distribution.Reductions[2].Standard.Yuan, distribution.Reductions[2].Due.Yuan));

        var odd = ParkingPool.Distribute(new Money(100.00m), Permits(3), FenRounding.HalfAwayFromZero);
        Assert.All(odd.Reductions, r => Assert.Equal(33.33m, r.Reduction.Yuan));
        Assert.Equal(0.01m, odd.CarriedForward.Yuan);
    }

    [BillingProperty]
    public bool Pool_in_equals_reductions_plus_carry_forward_and_nobody_goes_below_the_floor(PositiveInt poolFen, (PositiveInt Days, bool Whole)[] permits)
    {
        var list = permits.Select((p, i) => new PermitMonth($"P{i}", new Money(150m), new Money(50m), p.Whole ? 1m : (p.Days.Get % 30 + 1) / 30m)).ToList();
        var pool = new Money(poolFen.Get % 10_000_000 / 100m);

        var d = ParkingPool.Distribute(pool, list, FenRounding.HalfAwayFromZero);

        // Checked by hand, not from the distribution's own sums: nobody goes below the floor; the
        // reductions never add up to more than the pool; and what is carried is either less than a
        // fen per permit (rounding down) or what is left once every permit is at its floor.
        var room = list.Sum(p => 150m * p.Share - Math.Ceiling(50m * p.Share * 100m) / 100m);
        var used = d.Reductions.Sum(r => r.Reduction.Yuan);
        var carried = pool.Yuan - used;
        return d.Reductions.Count == list.Count
            && d.Reductions.Zip(list).All(x => x.First.Reduction.IsWholeFen && x.First.Due.Yuan >= 50m * x.Second.Share
                && x.First.Standard.Yuan == Math.Round(150m * x.Second.Share, 2, MidpointRounding.AwayFromZero))
            && used <= pool.Yuan
            && d.CarriedForward.Yuan == carried
            && (carried < 0.02m * list.Count || used >= room - 0.02m * list.Count);
    }

    [Fact]
    public void Working_day_daytime_skips_weekends_and_holidays_and_counts_make_up_workdays()
    {
        // October 2026: National Day holidays 1–7 Oct; Sunday 11 Oct is a make-up working day (调休)
        var calendar = new HolidayCalendar(
            Enumerable.Range(1, 7).Select(d => new LocalDate(2026, 10, d)).ToHashSet(),
            new HashSet<LocalDate> { new(2026, 10, 11) });
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

        var days = DailyWindow.WorkingDayDaytime.Occurrences(new YearMonth(2026, 10), calendar, zone).ToList();

        // 22 weekdays in October 2026, less 5 holiday weekdays (1, 2, 5, 6, 7), plus the make-up Sunday = 18
        Assert.Equal(18, days.Count);
        Assert.Equal(Instant.FromUtc(2026, 10, 8, 0, 0), days[0].Start); // 08:00 in Shanghai is 00:00 UTC
        Assert.Equal(Duration.FromHours(10), days[0].Duration);
        Assert.Contains(days, d => d.Start == Instant.FromUtc(2026, 10, 11, 0, 0));
    }

    [Fact]
    public void A_lease_outside_the_released_window_is_found_and_overlaps_are_half_open()
    {
        var day = new LocalDate(2026, 10, 8);
        Interval At(int from, int to) => new(Instant.FromUtc(2026, 10, 8, from, 0), Instant.FromUtc(2026, 10, 8, to, 0));

        Assert.Empty(LeaseRules.Uncovered([At(1, 9)], [At(0, 10)]));
        Assert.Equal([At(9, 11)], LeaseRules.Uncovered([At(1, 11)], [At(0, 9)]));
        Assert.False(LeaseRules.Overlap(At(0, 5), At(5, 10)));
        Assert.True(LeaseRules.Overlap(At(0, 6), At(5, 10)));
        Assert.Equal(new LocalDate(2026, 10, 8), day);
    }
}
