using NodaTime;
using RedProperty.Billing.Core.Parking;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>How stored windows are laid out by Shanghai day for the console's lease calendar.</summary>
[Trait("Category", "Core")]
public sealed class LeaseCalendarTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [Fact]
    public void A_window_across_midnight_is_cut_at_midnight_and_shown_on_both_days()
    {
        // 2026-11-16 22:00 to 2026-11-17 06:30 Shanghai is 14:00 to 22:30 UTC on the 16th.
        var night = new Interval(Instant.FromUtc(2026, 11, 16, 14, 0), Instant.FromUtc(2026, 11, 16, 22, 30));

        var cells = LeaseCalendar.Cells([new CalendarWindow("A-1", CalendarMark.Leased, "夜班车队", night)], new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 30), Shanghai);

        Assert.Equal(
            [(new LocalDate(2026, 11, 16), "22:00–24:00"), (new LocalDate(2026, 11, 17), "00:00–06:30")],
            cells.Select(c => (c.Day, c.Hours)).ToArray());
        Assert.Equal([(22 * 60, 1440), (0, 6 * 60 + 30)], cells.Select(c => (c.FromMinute, c.ToMinute)).ToArray());
    }

    [Theory]
    //            released      leased                    free left
    [InlineData("08:00-18:00", "",                        "08:00–18:00")]
    [InlineData("08:00-18:00", "09:00-12:00",             "08:00–09:00 12:00–18:00")]
    [InlineData("08:00-18:00", "08:00-12:00 12:00-18:00", "")]
    [InlineData("08:00-18:00", "13:30-18:00",             "08:00–13:30")]
    public void Free_time_is_each_release_less_the_leases_inside_it(string released, string leased, string free)
    {
        var day = new LocalDate(2026, 11, 16);
        var windows = new[] { Window(CalendarMark.Released, "卢刚", day, released) }
            .Concat(leased.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(l => Window(CalendarMark.Leased, "鑫源超市", day, l)));

        var cells = LeaseCalendar.Cells(windows, day, day, Shanghai);

        Assert.Equal(free, string.Join(" ", LeaseCalendar.Free(cells).Select(c => c.Hours)));
    }

    [Fact]
    public void Windows_outside_the_range_are_left_out()
    {
        var day = new LocalDate(2026, 11, 16);
        var windows = new[] { Window(CalendarMark.Leased, "x", day.PlusDays(-1), "08:00-18:00"), Window(CalendarMark.Leased, "y", day, "08:00-18:00") };

        var cell = Assert.Single(LeaseCalendar.Cells(windows, day, day, Shanghai));

        Assert.Equal(("y", "08:00–18:00"), (cell.Who, cell.Hours));
    }

    private static CalendarWindow Window(CalendarMark mark, string who, LocalDate day, string hours)
    {
        var parts = hours.Split('-');
        var from = NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(parts[0]).Value;
        var to = NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(parts[1]).Value;
        return new CalendarWindow("A-1", mark, who, new Interval(day.At(from).InZoneStrictly(Shanghai).ToInstant(), day.At(to).InZoneStrictly(Shanghai).ToInstant()));
    }
}
