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
