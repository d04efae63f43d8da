using NodaTime;
using RedProperty.Billing.Core.Parking;
using Interval = NodaTime.Interval;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>The lease calendar at its edges: windows that end exactly at midnight, windows of no length, several spaces and days.</summary>
[Trait("Category", "Core")]
public sealed class LeaseCalendarEdgeTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly LocalDate Day1 = new(2026, 11, 16);
    private static readonly LocalDate Day2 = new(2026, 11, 17);

    private static Instant At(LocalDate day, int hour, int minute = 0) => day.At(new LocalTime(hour, minute)).InZoneStrictly(Shanghai).ToInstant();

    private static CalendarWindow Window(string space, CalendarMark mark, LocalDate day, int from, int to, string who = "x") =>
        new(space, mark, who, new Interval(At(day, from), to == 24 ? At(day.PlusDays(1), 0) : At(day, to)));

    [Fact]
    public void A_window_ending_exactly_at_midnight_stays_on_its_day_and_one_starting_at_midnight_on_its_own()
    {
        var windows = new[] { Window("A-1", CalendarMark.Released, Day1, 8, 24), Window("A-1", CalendarMark.Released, Day2, 0, 6) };

        var cells = LeaseCalendar.Cells(windows, Day1.PlusDays(-1), Day2.PlusDays(1), Shanghai);

        Assert.Equal([(Day1, "08:00–24:00"), (Day2, "00:00–06:00")], cells.Select(c => (c.Day, c.Hours)));
    }

    [Fact]
    public void A_window_of_no_length_shows_nothing()
    {
        var empty = new CalendarWindow("A-1", CalendarMark.Leased, "x", new Interval(At(Day1, 10), At(Day1, 10)));

        Assert.Empty(LeaseCalendar.Cells([empty], Day1, Day1, Shanghai));
    }

    [Fact]
    public void A_window_over_three_days_shows_only_the_days_asked_for_whole()
    {
        var long3 = new CalendarWindow("A-1", CalendarMark.Released, "x", new Interval(At(Day1, 12), At(Day2.PlusDays(1), 12)));

        var cell = Assert.Single(LeaseCalendar.Cells([long3], Day2, Day2, Shanghai));

        Assert.Equal((Day2, 0, CalendarCell.MinutesInDay, "00:00–24:00"), (cell.Day, cell.FromMinute, cell.ToMinute, cell.Hours));
    }

    [Fact]
    public void Cells_come_by_day_then_space_then_start_then_release_before_lease()
    {
        var windows = new[]
        {
            Window("B-1", CalendarMark.Released, Day2, 8, 18),
            Window("A-1", CalendarMark.Leased, Day1, 9, 10, "鑫源超市"),
            Window("A-1", CalendarMark.Released, Day1, 9, 18, "卢刚"),
            Window("A-1", CalendarMark.Released, Day1, 7, 8, "卢刚"),
            Window("A-1", CalendarMark.Released, Day2, 8, 18),
            Window("B-1", CalendarMark.Released, Day1, 6, 18),
        };

        var cells = LeaseCalendar.Cells(windows, Day1, Day2, Shanghai);

        Assert.Equal(
            [
                (Day1, "A-1", "07:00–08:00", CalendarMark.Released, "卢刚"),
                (Day1, "A-1", "09:00–18:00", CalendarMark.Released, "卢刚"),
                (Day1, "A-1", "09:00–10:00", CalendarMark.Leased, "鑫源超市"),
                (Day1, "B-1", "06:00–18:00", CalendarMark.Released, "x"),
                (Day2, "A-1", "08:00–18:00", CalendarMark.Released, "x"),
                (Day2, "B-1", "08:00–18:00", CalendarMark.Released, "x"),
            ],
            cells.Select(c => (c.Day, c.Space, c.Hours, c.Mark, c.Who)));
    }

    [Fact]
    public void Free_time_takes_only_the_leases_of_the_same_space_and_day()
    {
        var windows = new[]
        {
            Window("A-1", CalendarMark.Released, Day1, 8, 18),
            Window("A-1", CalendarMark.Released, Day2, 8, 18),
            Window("A-1", CalendarMark.Leased, Day2, 8, 12),
            Window("A-2", CalendarMark.Released, Day1, 8, 18),
            Window("A-2", CalendarMark.Leased, Day1, 12, 18),
        };

        var free = LeaseCalendar.Free(LeaseCalendar.Cells(windows, Day1, Day2, Shanghai));

        Assert.Equal(
            [(Day1, "A-1", "08:00–18:00"), (Day1, "A-2", "08:00–12:00"), (Day2, "A-1", "12:00–18:00")],
            free.Select(c => (c.Day, c.Space, c.Hours)));
        Assert.All(free, c => Assert.Equal(CalendarMark.Released, c.Mark));
    }

    [Fact]
    public void Leases_that_overlap_each_other_leave_free_only_what_neither_takes()
    {
        // 09–13 and 10–11 (inside it) and 12–14: free 08–09 and 14–18.
        var windows = new[]
        {
            Window("A-1", CalendarMark.Released, Day1, 8, 18),
            Window("A-1", CalendarMark.Leased, Day1, 9, 13),
            Window("A-1", CalendarMark.Leased, Day1, 10, 11),
            Window("A-1", CalendarMark.Leased, Day1, 12, 14),
        };

        var free = LeaseCalendar.Free(LeaseCalendar.Cells(windows, Day1, Day1, Shanghai));

        Assert.Equal(["08:00–09:00", "14:00–18:00"], free.Select(c => c.Hours));
    }

    [Theory]
    [InlineData(0, 0, "00:00–00:00")]
    [InlineData(59, 61, "00:59–01:01")]
    [InlineData(601, 1439, "10:01–23:59")]
    public void Minutes_are_written_as_hours_and_minutes(int from, int to, string hours)
    {
        Assert.Equal(hours, new CalendarCell("A-1", Day1, CalendarMark.Released, "x", from, to).Hours);
    }

    [Fact]
    public void Missing_windows_cells_or_zone_are_refused_by_name()
    {
        Assert.Equal("windows", Assert.Throws<ArgumentNullException>(() => LeaseCalendar.Cells(null!, Day1, Day1, Shanghai)).ParamName);
        Assert.Equal("zone", Assert.Throws<ArgumentNullException>(() => LeaseCalendar.Cells([], Day1, Day1, null!)).ParamName);
        Assert.Equal("cells", Assert.Throws<ArgumentNullException>(() => LeaseCalendar.Free(null!)).ParamName);
    }
}
