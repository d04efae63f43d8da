using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Infrastructure.Parking;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>
/// The lease calendar of a community: by month, a day per row and a space per column with who
/// leases it when and what released time is still free; by day, each space's 24 hours as a bar.
/// </summary>
public sealed class ParkingCalendarModel(NpgsqlDataSource db, IClock clock) : ConsoleFormModel
{
    [BindProperty(SupportsGet = true)]
    public string? Community { get; set; }

    [BindProperty(SupportsGet = true, Name = "month")]
    public string? MonthText { get; set; }

    [BindProperty(SupportsGet = true, Name = "day")]
    public string? DayText { get; set; }

    [BindProperty(SupportsGet = true, Name = "space")]
    public string? Space { get; set; }

    public YearMonth Month { get; private set; }

    /// <summary>The day shown by the day view; null for the month view.</summary>
    public LocalDate? Day { get; private set; }

    public IReadOnlyList<OperatorCommunity> Communities { get; private set; } = [];

    public string CommunityName => Communities.FirstOrDefault(c => c.Code == Community)?.Name ?? Community ?? string.Empty;

    /// <summary>The spaces shown: every space with a release or lease in the range (or the one asked for).</summary>
    public IReadOnlyList<string> Spaces { get; private set; } = [];

    public IReadOnlyList<CalendarCell> Cells { get; private set; } = [];

    public IReadOnlyList<CalendarCell> Free { get; private set; } = [];

    public IEnumerable<LocalDate> Days()
    {
        var (first, last) = Range();
        for (var d = first; d <= last; d = d.PlusDays(1))
        {
            yield return d;
        }
    }

    public IEnumerable<CalendarCell> At(LocalDate day, string space, CalendarMark mark) =>
        (mark == CalendarMark.Leased ? Cells : Free).Where(c => c.Day == day && c.Space == space && c.Mark == mark);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Communities = await new ConsoleCommunities(db).OfAsync(Operator, ct);
        if (Community is { Length: > 0 } asked && Communities.All(c => c.Code != asked))
        {
            return NotFound();
        }

        Community ??= Communities.FirstOrDefault()?.Code;
        if (MonthText is { Length: > 0 } && !ConsoleInput.TryMonth(MonthText, out _))
        {
            Fail("filter", "month", "月份如 2026-11");
        }

        if (DayText is { Length: > 0 })
        {
            if (ConsoleInput.TryDate(DayText, out var day))
            {
                Day = day;
            }
            else
            {
                Fail("filter", "day", "日期如 2026-11-16");
            }
        }

        Month = Day is { } d ? d.ToYearMonth() : ConsoleInput.TryMonth(MonthText, out var month) ? month : ConsoleText.Today(clock).ToYearMonth();
        if (Community is null)
        {
            return Page();
        }

        var board = new ParkingBoard(db);
        if (Space is { Length: > 0 } number && await board.SpaceIdAsync(Community, number, ct) is null)
        {
            return NotFound();
        }

        var (first, last) = Range();
        var zone = ConsoleText.Shanghai;
        var range = new Interval(first.AtStartOfDayInZone(zone).ToInstant(), last.PlusDays(1).AtStartOfDayInZone(zone).ToInstant());
        var windows = await board.WindowsAsync(Community, range, string.IsNullOrEmpty(Space) ? null : Space, ct);
        Cells = LeaseCalendar.Cells(windows, first, last, zone);
        Free = LeaseCalendar.Free(Cells);
        Spaces = string.IsNullOrEmpty(Space) ? Cells.Select(c => c.Space).Distinct().Order(StringComparer.Ordinal).ToList() : [Space];
        return Page();
    }

    private (LocalDate First, LocalDate Last) Range() =>
        Day is { } day ? (day, day) : (Month.OnDayOfMonth(1), Month.OnDayOfMonth(Month.Calendar.GetDaysInMonth(Month.Year, Month.Month)));
}
