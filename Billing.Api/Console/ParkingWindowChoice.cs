using NodaTime;
using RedProperty.Billing.Core.Parking;

namespace RedProperty.Billing.Api.FinanceConsole;

/// <summary>
/// When a release or a lease applies, as a console form gives it: one day's hours, the standard
/// daytime of a month's working days (a monthly lease), or chosen weekdays and hours across a
/// month. Turned into the instants the lease store takes, with the prices in force, by the same
/// rules as the Api.
/// </summary>
public sealed record ParkingWindowChoice(string? Shape, string? Day, string? Month, IReadOnlyList<string> Weekdays, string? From, string? To)
{
    public const string OneDay = "day";
    public const string MonthDaytime = "month";
    public const string Weekly = "weekly";

    /// <summary>The lease kind this shape is priced as: a month's standard daytime at the monthly price, anything else by the hour.</summary>
    public string LeaseKind => Shape switch
    {
        MonthDaytime => "monthly",
        Weekly => "recurring",
        _ => "one-off",
    };

    /// <summary>The windows and prices, or the problems, each naming the form field that is wrong.</summary>
    public (IReadOnlyList<Interval> Slots, ParkingRates? Rates, IReadOnlyList<(string Field, string Message)> Problems) Resolve(string operatorCode, ParkingRateBook book)
    {
        var problems = new List<(string, string)>();
        var zone = ConsoleText.Shanghai;
        switch (Shape)
        {
            case OneDay:
            {
                if (!ConsoleInput.TryDate(Day, out var day))
                {
                    problems.Add(("day", "日期如 2026-11-16"));
                    return ([], null, problems);
                }

                var rates = book.For(operatorCode, day);
                if (rates is null)
                {
                    problems.Add(("day", "该日没有适用的停车收费标准"));
                    return ([], null, problems);
                }

                if (!WeeklyWindow.TryCreate([((int)day.DayOfWeek).ToString(System.Globalization.CultureInfo.InvariantCulture)], From, To, false, out var hours, out var wrong))
                {
                    problems.Add((wrong.Field, wrong.Field == "from" ? "开始时间如 09:00" : "结束时间如 12:00，须晚于开始时间"));
                    return ([], rates, problems);
                }

                return (hours.Occurrences(day, day, HolidayCalendar.None, zone).ToList(), rates, problems);
            }

            case MonthDaytime or Weekly:
            {
                if (!ConsoleInput.TryMonth(Month, out var month))
                {
                    problems.Add(("month", "月份如 2026-11"));
                    return ([], null, problems);
                }

                var rates = book.For(operatorCode, month.OnDayOfMonth(1));
                if (rates is null)
                {
                    problems.Add(("month", "该月没有适用的停车收费标准"));
                    return ([], null, problems);
                }

                if (Shape == MonthDaytime)
                {
                    return (rates.Daytime.Occurrences(month, rates.Calendar, zone).ToList(), rates, problems);
                }

                if (!WeeklyWindow.TryCreate(Weekdays, From, To, true, out var window, out var wrong))
                {
                    problems.Add((wrong.Field, wrong.Field switch
                    {
                        "weekdays" => "至少选择一天（周一至周日）",
                        "from" => "开始时间如 09:00",
                        _ => "结束时间如 17:00，须晚于开始时间",
                    }));
                    return ([], rates, problems);
                }

                var slots = window.Occurrences(month, rates.Calendar, zone).ToList();
                if (slots.Count == 0)
                {
                    problems.Add(("weekdays", $"{window.Describe()}在该月没有日子"));
                }

                return (slots, rates, problems);
            }

            default:
                problems.Add(("shape", "请选择时段：单日、整月白天或每周固定时段"));
                return ([], null, problems);
        }
    }

    /// <summary>"2026-11-16 08:00–18:00" in Shanghai time, for reasons shown to staff.</summary>
    public static string Describe(Interval slot)
    {
        var start = slot.Start.InZone(ConsoleText.Shanghai);
        var end = slot.End.InZone(ConsoleText.Shanghai);
        return start.Date == end.Date || (end.Date == start.Date.PlusDays(1) && end.TimeOfDay == LocalTime.Midnight)
            ? $"{ConsoleInput.Iso(start.Date)} {start:HH:mm}–{(end.TimeOfDay == LocalTime.Midnight && end.Date != start.Date ? "24:00" : end.ToString("HH:mm", null))}"
            : $"{ConsoleInput.Iso(start.Date)} {start:HH:mm} – {ConsoleInput.Iso(end.Date)} {end:HH:mm}";
    }
}
