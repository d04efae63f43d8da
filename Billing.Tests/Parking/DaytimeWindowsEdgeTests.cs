using NodaTime;
using RedProperty.Billing.Core.Parking;
using Interval = NodaTime.Interval;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>
/// Working days, daily and weekly windows and the lease rules, each at its edges: the first and last
/// day of a month, a window exactly one minute long or none at all, intervals that just touch.
/// Calendar facts used: 1 October 2026 is a Thursday, so 3 Oct is a Saturday, 31 Oct a Saturday,
/// and 30 November a Monday. Asia/Shanghai is UTC+8 all year (no daylight saving).
/// </summary>
[Trait("Category", "Core")]
public sealed class DaytimeWindowsEdgeTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly YearMonth October = new(2026, 10);

    private static HolidayCalendar Calendar(LocalDate[] holidays, LocalDate[] makeUp) => new(holidays.ToHashSet(), makeUp.ToHashSet());

    private static Interval Hours(int from, int to) => new(Instant.FromUtc(2026, 10, 8, 0, 0) + Duration.FromHours(from), Instant.FromUtc(2026, 10, 8, 0, 0) + Duration.FromHours(to));

    [Theory]
    [InlineData(9, "", "", true)] // Friday
    [InlineData(10, "", "", false)] // Saturday
    [InlineData(11, "", "", false)] // Sunday
    [InlineData(12, "", "", true)] // Monday
    [InlineData(12, "12", "", false)] // a Monday that is a public holiday
    [InlineData(12, "13", "", true)] // the holiday is another day
    [InlineData(10, "", "10", true)] // a Saturday made a working day (调休)
    [InlineData(11, "", "10", false)] // the make-up day is another day
    [InlineData(10, "10", "10", true)] // listed as both: the make-up working day wins
    public void A_working_day_is_a_weekday_that_is_no_holiday_or_a_make_up_day(int day, string holiday, string makeUp, bool working)
    {
        LocalDate[] Days(string text) => text.Length == 0 ? [] : [new LocalDate(2026, 10, int.Parse(text, System.Globalization.CultureInfo.InvariantCulture))];

        Assert.Equal(working, Calendar(Days(holiday), Days(makeUp)).IsWorkingDay(new LocalDate(2026, 10, day)));
    }

    [Fact]
    public void An_every_day_window_covers_all_31_days_of_October_from_the_1st_to_the_31st()
    {
        var window = new DailyWindow(new LocalTime(8, 0), new LocalTime(18, 0), false);
        var calendar = Calendar([new(2026, 10, 1)], []);

        var days = window.Occurrences(October, calendar, Shanghai).ToList();

        // 08:00–18:00 in Shanghai is 00:00–10:00 UTC; holidays and weekends count when WorkingDaysOnly is false.
        Assert.Equal(31, days.Count);
        Assert.Equal(new Interval(Instant.FromUtc(2026, 10, 1, 0, 0), Instant.FromUtc(2026, 10, 1, 10, 0)), days[0]);
        Assert.Equal(new Interval(Instant.FromUtc(2026, 10, 31, 0, 0), Instant.FromUtc(2026, 10, 31, 10, 0)), days[^1]);
    }

    [Fact]
    public void The_working_day_window_of_November_2026_runs_to_Monday_the_30th()
    {
        var days = DailyWindow.WorkingDayDaytime.Occurrences(new YearMonth(2026, 11), HolidayCalendar.None, Shanghai).ToList();

        // Weekdays: 2–6, 9–13, 16–20, 23–27 and 30 November = 4×5 + 1 = 21
        Assert.Equal(21, days.Count);
        Assert.Equal(Instant.FromUtc(2026, 11, 2, 0, 0), days[0].Start);
        Assert.Equal(Instant.FromUtc(2026, 11, 30, 0, 0), days[^1].Start);
    }

    [Fact]
    public void A_range_of_one_day_gives_that_day_only_if_it_is_a_working_day()
    {
        var friday = new LocalDate(2026, 10, 9);

        var one = Assert.Single(DailyWindow.WorkingDayDaytime.Occurrences(friday, friday, HolidayCalendar.None, Shanghai));
        Assert.Equal(new Interval(Instant.FromUtc(2026, 10, 9, 0, 0), Instant.FromUtc(2026, 10, 9, 10, 0)), one);
        Assert.Empty(DailyWindow.WorkingDayDaytime.Occurrences(friday.PlusDays(1), friday.PlusDays(1), HolidayCalendar.None, Shanghai));
    }

    [Fact]
    public void A_daily_window_one_minute_long_is_fine_and_one_that_does_not_end_after_it_starts_is_refused()
    {
        var friday = new LocalDate(2026, 10, 9);
        var minute = new DailyWindow(new LocalTime(8, 0), new LocalTime(8, 1), true);
        var none = new DailyWindow(new LocalTime(8, 0), new LocalTime(8, 0), true);
        var backwards = new DailyWindow(new LocalTime(8, 1), new LocalTime(8, 0), true);

        Assert.Equal(Duration.FromMinutes(1), Assert.Single(minute.Occurrences(friday, friday, HolidayCalendar.None, Shanghai)).Duration);
        Assert.Equal(
            "A daytime window ends after it starts, got 08:00:00–08:00:00.",
            Assert.Throws<InvalidOperationException>(() => none.Occurrences(friday, friday, HolidayCalendar.None, Shanghai).ToList()).Message);
        Assert.Equal(
            "A daytime window ends after it starts, got 08:01:00–08:00:00.",
            Assert.Throws<InvalidOperationException>(() => backwards.Occurrences(friday, friday, HolidayCalendar.None, Shanghai).ToList()).Message);
    }

    [Theory]
    [InlineData("mon", IsoDayOfWeek.Monday)]
    [InlineData(" Tuesday ", IsoDayOfWeek.Tuesday)]
    [InlineData("3", IsoDayOfWeek.Wednesday)]
    [InlineData("周四", IsoDayOfWeek.Thursday)]
    [InlineData("星期五", IsoDayOfWeek.Friday)]
    [InlineData("SAT", IsoDayOfWeek.Saturday)]
    [InlineData("7", IsoDayOfWeek.Sunday)]
    [InlineData("sunday", IsoDayOfWeek.Sunday)]
    [InlineData("星期日", IsoDayOfWeek.Sunday)]
    [InlineData("monday", IsoDayOfWeek.Monday)]
    [InlineData("1", IsoDayOfWeek.Monday)]
    [InlineData("周一", IsoDayOfWeek.Monday)]
    [InlineData("星期一", IsoDayOfWeek.Monday)]
    [InlineData("tue", IsoDayOfWeek.Tuesday)]
    [InlineData("tuesday", IsoDayOfWeek.Tuesday)]
    [InlineData("2", IsoDayOfWeek.Tuesday)]
    [InlineData("周二", IsoDayOfWeek.Tuesday)]
    [InlineData("星期二", IsoDayOfWeek.Tuesday)]
    [InlineData("wed", IsoDayOfWeek.Wednesday)]
    [InlineData("wednesday", IsoDayOfWeek.Wednesday)]
    [InlineData("周三", IsoDayOfWeek.Wednesday)]
    [InlineData("星期三", IsoDayOfWeek.Wednesday)]
    [InlineData("thu", IsoDayOfWeek.Thursday)]
    [InlineData("thursday", IsoDayOfWeek.Thursday)]
    [InlineData("4", IsoDayOfWeek.Thursday)]
    [InlineData("星期四", IsoDayOfWeek.Thursday)]
    [InlineData("fri", IsoDayOfWeek.Friday)]
    [InlineData("friday", IsoDayOfWeek.Friday)]
    [InlineData("5", IsoDayOfWeek.Friday)]
    [InlineData("周五", IsoDayOfWeek.Friday)]
    [InlineData("sat", IsoDayOfWeek.Saturday)]
    [InlineData("saturday", IsoDayOfWeek.Saturday)]
    [InlineData("6", IsoDayOfWeek.Saturday)]
    [InlineData("周六", IsoDayOfWeek.Saturday)]
    [InlineData("星期六", IsoDayOfWeek.Saturday)]
    [InlineData("sun", IsoDayOfWeek.Sunday)]
    [InlineData("周日", IsoDayOfWeek.Sunday)]
    public void Every_way_of_naming_a_weekday_is_read(string name, IsoDayOfWeek day)
    {
        Assert.True(WeeklyWindow.TryCreate([name], "12:00", "14:00", true, out var window, out var problem));

        Assert.Equal([day], window.Weekdays);
        Assert.Equal((new LocalTime(12, 0), new LocalTime(14, 0), true), (window.From, window.To, window.SkipHolidays));
        Assert.Equal(((string, string))default, problem);
    }

    [Fact]
    public void A_weekly_window_may_be_one_minute_long()
    {
        Assert.True(WeeklyWindow.TryCreate(["fri"], "08:00", "08:01", false, out var window, out _));

        Assert.Equal((new LocalTime(8, 0), new LocalTime(8, 1), false), (window.From, window.To, window.SkipHolidays));
    }

    [Theory]
    [InlineData(new[] { "fri", "xyz" }, "08:00", "18:00", "weekdays", "'xyz' is not a weekday: use mon, tue, wed, thu, fri, sat, sun (or 1–7, 周一–周日)")]
    [InlineData(new[] { "0" }, "08:00", "18:00", "weekdays", "'0' is not a weekday: use mon, tue, wed, thu, fri, sat, sun (or 1–7, 周一–周日)")]
    [InlineData(new[] { "8" }, "08:00", "18:00", "weekdays", "'8' is not a weekday: use mon, tue, wed, thu, fri, sat, sun (or 1–7, 周一–周日)")]
    [InlineData(new string[0], "08:00", "18:00", "weekdays", "name at least one weekday, e.g. [\"sat\", \"sun\"]")]
    [InlineData(new[] { "fri" }, "8am", "18:00", "from", "from is a time like 08:00, got '8am'")]
    [InlineData(new[] { "fri" }, null, "18:00", "from", "from is a time like 08:00, got ''")]
    [InlineData(new[] { "fri" }, "08:00", "08:00", "to", "to is a time like 18:00 after from (08:00) on the same day, got '08:00'")]
    [InlineData(new[] { "fri" }, "08:01", "08:00", "to", "to is a time like 18:00 after from (08:01) on the same day, got '08:00'")]
    [InlineData(new[] { "fri" }, "08:00", "6pm", "to", "to is a time like 18:00 after from (08:00) on the same day, got '6pm'")]
    [InlineData(new[] { "fri" }, "08:00", null, "to", "to is a time like 18:00 after from (08:00) on the same day, got ''")]
    public void A_bad_weekly_window_names_the_field_and_says_what_is_wrong(string[] weekdays, string? from, string? to, string field, string message)
    {
        Assert.False(WeeklyWindow.TryCreate(weekdays, from, to, true, out var window, out var problem));

        Assert.Equal((field, message), problem);
        Assert.Null(window);
    }

    [Fact]
    public void No_weekday_list_at_all_asks_for_one()
    {
        Assert.False(WeeklyWindow.TryCreate(null, "08:00", "18:00", true, out _, out var problem));

        Assert.Equal(("weekdays", "name at least one weekday, e.g. [\"sat\", \"sun\"]"), problem);
    }

    [Fact]
    public void A_Saturday_window_in_October_2026_runs_from_the_3rd_to_the_31st_and_keeps_holidays_unless_asked()
    {
        var calendar = Calendar([new(2026, 10, 3)], [new(2026, 10, 11)]);
        Assert.True(WeeklyWindow.TryCreate(["sat"], "09:00", "17:00", false, out var keeping, out _));
        Assert.True(WeeklyWindow.TryCreate(["sat"], "09:00", "17:00", true, out var skipping, out _));

        var kept = keeping.Occurrences(October, calendar, Shanghai).ToList();
        var skipped = skipping.Occurrences(October, calendar, Shanghai).ToList();

        // Saturdays 3, 10, 17, 24, 31 (09:00 Shanghai = 01:00 UTC); skipping drops the holiday on the 3rd;
        // the make-up Sunday the 11th is not a Saturday, so it is never added.
        Assert.Equal([3, 10, 17, 24, 31], kept.Select(i => i.Start.InUtc().Day));
        Assert.Equal([10, 17, 24, 31], skipped.Select(i => i.Start.InUtc().Day));
        Assert.Equal(new Interval(Instant.FromUtc(2026, 10, 31, 1, 0), Instant.FromUtc(2026, 10, 31, 9, 0)), kept[^1]);
    }

    [Fact]
    public void A_weekly_window_over_a_range_of_one_day_gives_that_day_if_it_is_named()
    {
        Assert.True(WeeklyWindow.TryCreate(["fri"], "12:00", "14:00", true, out var window, out _));
        var friday = new LocalDate(2026, 10, 9);

        Assert.Equal(
            new Interval(Instant.FromUtc(2026, 10, 9, 4, 0), Instant.FromUtc(2026, 10, 9, 6, 0)),
            Assert.Single(window.Occurrences(friday, friday, HolidayCalendar.None, Shanghai)));
        Assert.Empty(window.Occurrences(friday.PlusDays(1), friday.PlusDays(6), HolidayCalendar.None, Shanghai));
    }

    [Fact]
    public void A_description_lists_the_weekdays_in_order_and_says_nothing_of_holidays_when_they_are_kept()
    {
        Assert.True(WeeklyWindow.TryCreate(["sun", "mon", "3"], "12:00", "14:30", false, out var window, out _));

        Assert.Equal("周一、周三、周日 12:00–14:30", window.Describe());
    }

    [Theory]
    //          a        b      overlap
    [InlineData(0, 5, 5, 10, false)] // a ends where b starts
    [InlineData(5, 10, 0, 5, false)] // b ends where a starts
    [InlineData(0, 5, 4, 10, true)] // one hour in common
    [InlineData(4, 10, 0, 5, true)]
    [InlineData(0, 5, 6, 10, false)] // an hour apart
    [InlineData(6, 10, 0, 5, false)]
    [InlineData(0, 10, 2, 3, true)] // one inside the other
    [InlineData(2, 3, 0, 10, true)]
    public void Intervals_overlap_only_when_they_share_time_not_when_they_just_touch(int aFrom, int aTo, int bFrom, int bTo, bool overlap)
    {
        Assert.Equal(overlap, LeaseRules.Overlap(Hours(aFrom, aTo), Hours(bFrom, bTo)));
    }

    [Fact]
    public void A_lease_exactly_on_a_release_is_covered()
    {
        Assert.Empty(LeaseRules.Uncovered([Hours(0, 10)], [Hours(0, 10)]));
    }

    [Fact]
    public void A_release_from_the_same_start_leaves_only_the_end_uncovered()
    {
        Assert.Equal([Hours(6, 10)], LeaseRules.Uncovered([Hours(0, 10)], [Hours(0, 6)]));
        Assert.Equal([Hours(0, 4)], LeaseRules.Uncovered([Hours(0, 10)], [Hours(4, 10)]));
    }

    [Fact]
    public void Releases_given_out_of_order_leave_the_gap_between_them()
    {
        Assert.Equal([Hours(4, 5)], LeaseRules.Uncovered([Hours(0, 10)], [Hours(5, 10), Hours(0, 4)]));
    }

    [Fact]
    public void A_release_inside_an_earlier_one_does_not_move_the_covered_end_back()
    {
        // 0–7 covers up to 7; 1–2 lies inside it; 7–12 of the wanted 0–12 stays uncovered.
        Assert.Equal([Hours(7, 12)], LeaseRules.Uncovered([Hours(0, 12)], [Hours(0, 7), Hours(1, 2)]));
    }

    [Fact]
    public void A_release_that_only_touches_the_lease_covers_none_of_it_and_each_wanted_interval_is_checked()
    {
        Assert.Equal([Hours(0, 5), Hours(20, 22)], LeaseRules.Uncovered([Hours(0, 5), Hours(12, 14), Hours(20, 22)], [Hours(5, 15)]));
    }
}
