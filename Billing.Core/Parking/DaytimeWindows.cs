using NodaTime;

namespace RedProperty.Billing.Core.Parking;

/// <summary>
/// Public holidays and make-up working days (调休) as data: in China a weekend day can be a working
/// day and a weekday a holiday, so "Monday to Friday" is not enough to know when spaces are idle.
/// </summary>
public sealed record HolidayCalendar(IReadOnlySet<LocalDate> Holidays, IReadOnlySet<LocalDate> MakeUpWorkdays)
{
    public static readonly HolidayCalendar None = new(new HashSet<LocalDate>(), new HashSet<LocalDate>());

    public bool IsWorkingDay(LocalDate date) =>
        MakeUpWorkdays.Contains(date) || (!Holidays.Contains(date) && date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday));
}

/// <summary>A recurring window in local time, e.g. working days 08:00–18:00 (白天错峰).</summary>
/// <param name="WorkingDaysOnly">True: the window applies on working days by the holiday calendar; false: every day.</param>
public sealed record DailyWindow(LocalTime From, LocalTime To, bool WorkingDaysOnly)
{
    public static readonly DailyWindow WorkingDayDaytime = new(new LocalTime(8, 0), new LocalTime(18, 0), true);

    /// <summary>The window's occurrences in a month as instants, in the given time zone (Asia/Shanghai).</summary>
    public IEnumerable<Interval> Occurrences(YearMonth month, HolidayCalendar calendar, DateTimeZone zone) =>
        Occurrences(month.OnDayOfMonth(1), month.OnDayOfMonth(month.Calendar.GetDaysInMonth(month.Year, month.Month)), calendar, zone);

    public IEnumerable<Interval> Occurrences(LocalDate first, LocalDate last, HolidayCalendar calendar, DateTimeZone zone)
    {
        if (To <= From)
        {
            throw new InvalidOperationException($"A daytime window ends after it starts, got {From}–{To}.");
        }

        for (var day = first; day <= last; day = day.PlusDays(1))
        {
            if (!WorkingDaysOnly || calendar.IsWorkingDay(day))
            {
                yield return new Interval(day.At(From).InZoneStrictly(zone).ToInstant(), day.At(To).InZoneStrictly(zone).ToInstant());
            }
        }
    }
}

/// <summary>
/// A window the permit holder chooses (e.g. Saturday and Sunday 09:00–17:00, or Monday to Friday
/// 12:00–14:00), in local time. Unlike <see cref="DailyWindow.WorkingDayDaytime"/> it follows the
/// weekdays named, not the working-day calendar: public holidays are skipped only when asked, and
/// make-up working days (调休) are not added, because a holder who names weekdays means those days.
/// A window ends on the day it starts, so an occurrence never spills into the next month.
/// </summary>
public sealed record WeeklyWindow
{
    private static readonly string[][] Names =
    [
        ["mon", "monday", "1", "周一", "星期一"], ["tue", "tuesday", "2", "周二", "星期二"], ["wed", "wednesday", "3", "周三", "星期三"],
        ["thu", "thursday", "4", "周四", "星期四"], ["fri", "friday", "5", "周五", "星期五"], ["sat", "saturday", "6", "周六", "星期六"],
        ["sun", "sunday", "7", "周日", "星期日"],
    ];

    private static readonly NodaTime.Text.LocalTimePattern Time = NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    private WeeklyWindow(IReadOnlySet<IsoDayOfWeek> weekdays, LocalTime from, LocalTime to, bool skipHolidays) =>
        (Weekdays, From, To, SkipHolidays) = (weekdays, from, to, skipHolidays);

    public IReadOnlySet<IsoDayOfWeek> Weekdays { get; }

    public LocalTime From { get; }

    public LocalTime To { get; }

    public bool SkipHolidays { get; }

    /// <summary>Reads weekdays (mon…sun, 1…7 or 周一…周日) and times (HH:mm); a problem names the field that is wrong.</summary>
    public static bool TryCreate(IReadOnlyList<string>? weekdays, string? from, string? to, bool skipHolidays, out WeeklyWindow window, out (string Field, string Message) problem)
    {
        window = null!;
        var days = new HashSet<IsoDayOfWeek>();
        foreach (var text in weekdays ?? [])
        {
            var index = Array.FindIndex(Names, n => n.Contains(text?.Trim().ToLowerInvariant() ?? string.Empty, StringComparer.Ordinal));
            if (index < 0)
            {
                problem = ("weekdays", $"'{text}' is not a weekday: use mon, tue, wed, thu, fri, sat, sun (or 1–7, 周一–周日)");
                return false;
            }

            days.Add((IsoDayOfWeek)(index + 1));
        }

        if (days.Count == 0)
        {
            problem = ("weekdays", "name at least one weekday, e.g. [\"sat\", \"sun\"]");
            return false;
        }

        var (start, end) = (Time.Parse(from ?? string.Empty), Time.Parse(to ?? string.Empty));
        if (!start.Success)
        {
            problem = ("from", $"from is a time like 08:00, got '{from}'");
            return false;
        }

        if (!end.Success || end.Value <= start.Value)
        {
            problem = ("to", $"to is a time like 18:00 after from ({from}) on the same day, got '{to}'");
            return false;
        }

        window = new WeeklyWindow(days, start.Value, end.Value, skipHolidays);
        problem = default;
        return true;
    }

    public IEnumerable<Interval> Occurrences(YearMonth month, HolidayCalendar calendar, DateTimeZone zone) =>
        Occurrences(month.OnDayOfMonth(1), month.OnDayOfMonth(month.Calendar.GetDaysInMonth(month.Year, month.Month)), calendar, zone);

    public IEnumerable<Interval> Occurrences(LocalDate first, LocalDate last, HolidayCalendar calendar, DateTimeZone zone)
    {
        for (var day = first; day <= last; day = day.PlusDays(1))
        {
            if (Weekdays.Contains(day.DayOfWeek) && !(SkipHolidays && calendar.Holidays.Contains(day)))
            {
                yield return new Interval(day.At(From).InZoneStrictly(zone).ToInstant(), day.At(To).InZoneStrictly(zone).ToInstant());
            }
        }
    }

    /// <summary>"周六、周日 09:00–17:00（法定节假日除外）".</summary>
    public string Describe() =>
        $"{string.Join("、", Weekdays.Order().Select(d => Names[(int)d - 1][3]))} {Time.Format(From)}–{Time.Format(To)}{(SkipHolidays ? "（法定节假日除外）" : string.Empty)}";
}

/// <summary>Lease rules as pure checks, the same ones PostgreSQL enforces for concurrent requests.</summary>
public static class LeaseRules
{
    public static bool Overlap(Interval a, Interval b) => a.Start < b.End && b.Start < a.End;

    /// <summary>The wanted intervals (or parts of them) that no released window covers: a lease there is refused.</summary>
    public static IReadOnlyList<Interval> Uncovered(IEnumerable<Interval> wanted, IReadOnlyList<Interval> released)
    {
        var result = new List<Interval>();
        var windows = released.OrderBy(r => r.Start).ToList();
        foreach (var w in wanted)
        {
            var cursor = w.Start;
            foreach (var r in windows.Where(r => Overlap(r, w)))
            {
                if (r.Start > cursor)
                {
                    result.Add(new Interval(cursor, r.Start));
                }

                cursor = r.End > cursor ? r.End : cursor;
                if (cursor >= w.End)
                {
                    break;
                }
            }

            if (cursor < w.End)
            {
                result.Add(new Interval(cursor, w.End));
            }
        }

        return result;
    }
}
