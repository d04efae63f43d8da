using NodaTime;

namespace RedProperty.Billing.Core.Parking;

/// <summary>What a window on the lease calendar is: time the holder released, or time a business leases.</summary>
public enum CalendarMark
{
    Released,
    Leased,
}

/// <summary>One stored window of a space: a release by its holder, or a lease slot with the business that holds it.</summary>
public sealed record CalendarWindow(string Space, CalendarMark Mark, string Who, Interval During);

/// <summary>
/// The part of a window that falls on one local day, as minutes after that day's midnight
/// (<see cref="ToMinute"/> is 1440 when it runs to the end of the day), so a page can both write
/// "08:00–18:00" and draw the bar of a day's timeline.
/// </summary>
public sealed record CalendarCell(string Space, LocalDate Day, CalendarMark Mark, string Who, int FromMinute, int ToMinute)
{
    public const int MinutesInDay = 24 * 60;

    public string Hours => $"{Clock(FromMinute)}–{Clock(ToMinute)}";

    private static string Clock(int minute) => $"{minute / 60:D2}:{minute % 60:D2}";
}

/// <summary>
/// Lays stored release and lease windows out by local day (Asia/Shanghai for the console), for the
/// day and month views of the lease calendar. Pure: the windows are read by the caller; a window
/// crossing midnight is cut at midnight and shown on both days.
/// </summary>
public static class LeaseCalendar
{
    public static IReadOnlyList<CalendarCell> Cells(IEnumerable<CalendarWindow> windows, LocalDate first, LocalDate last, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(zone);
        var cells = new List<CalendarCell>();
        foreach (var window in windows)
        {
            var startDay = LocalDate.Max(window.During.Start.InZone(zone).Date, first);
            var endDay = LocalDate.Min((window.During.End - Duration.Epsilon).InZone(zone).Date, last);
            for (var day = startDay; day <= endDay; day = day.PlusDays(1))
            {
                var dayStart = day.AtStartOfDayInZone(zone).ToInstant();
                var dayEnd = day.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
                var from = window.During.Start > dayStart ? window.During.Start : dayStart;
                var to = window.During.End < dayEnd ? window.During.End : dayEnd;
                if (from >= to)
                {
                    continue;
                }

                cells.Add(new CalendarCell(window.Space, day, window.Mark, window.Who, MinuteOfDay(from, dayStart), MinuteOfDay(to, dayStart)));
            }
        }

        return cells
            .OrderBy(c => c.Day)
            .ThenBy(c => c.Space, StringComparer.Ordinal)
            .ThenBy(c => c.FromMinute)
            .ThenBy(c => c.Mark)
            .ToList();
    }

    /// <summary>
    /// The released time of a day that no lease takes: what is still free to lease. Leases lie
    /// inside releases (the store refuses any other), so this is each release minus its leases.
    /// </summary>
    public static IReadOnlyList<CalendarCell> Free(IReadOnlyList<CalendarCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var free = new List<CalendarCell>();
        foreach (var release in cells.Where(c => c.Mark == CalendarMark.Released))
        {
            var cursor = release.FromMinute;
            foreach (var lease in cells.Where(c => c.Mark == CalendarMark.Leased && c.Space == release.Space && c.Day == release.Day
                         && c.FromMinute < release.ToMinute && c.ToMinute > release.FromMinute).OrderBy(c => c.FromMinute))
            {
                if (lease.FromMinute > cursor)
                {
                    free.Add(release with { FromMinute = cursor, ToMinute = lease.FromMinute });
                }

                cursor = Math.Max(cursor, lease.ToMinute);
            }

            if (cursor < release.ToMinute)
            {
                free.Add(release with { FromMinute = cursor });
            }
        }

        return free;
    }

    // Whole minutes: windows are made from HH:mm times, and a day with a clock change still has a midnight.
    private static int MinuteOfDay(Instant at, Instant dayStart) => (int)Math.Round((at - dayStart).TotalMinutes, MidpointRounding.AwayFromZero);
}
