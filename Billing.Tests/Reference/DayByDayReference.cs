using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Tests.Reference;

/// <summary>
/// A random household-month as a register records it: every list is dated, the first entry of
/// levels, rate versions and areas holds from the start of history, occupancy rows are as recorded
/// (possibly none, possibly all after the month), subsidy versions may start late or not at all.
/// </summary>
public sealed record HouseholdMonth(
    YearMonth Period,
    LocalDate BillingStart,
    bool HalfToEven,
    bool ThirtyDayMonth,
    decimal? VacancyShare,
    IReadOnlyList<(LocalDate From, int Stars)> Levels,
    IReadOnlyList<(LocalDate From, decimal TwoStar, decimal ThreeStar)> RateVersions,
    IReadOnlyList<(LocalDate From, decimal Area)> Areas,
    IReadOnlyList<(LocalDate From, Occupancy Status)> Occupancy,
    IReadOnlyList<(LocalDate From, decimal Rate, decimal? HouseholdCap)> SubsidyVersions)
{
    public static readonly LocalDate HistoryStart = new(2022, 1, 1);

    public int DaysInMonth => Period.Calendar.GetDaysInMonth(Period.Year, Period.Month);

    public override string ToString() =>
        $"{Period} start {BillingStart:yyyy-MM-dd} {(HalfToEven ? "half-even" : "half-away")} {(ThirtyDayMonth ? "30-day" : "actual")} vacancy {VacancyShare}; "
        + $"levels [{string.Join(", ", Levels.Select(l => $"{l.From:MM-dd} {l.Stars}星"))}]; "
        + $"versions [{string.Join(", ", RateVersions.Select(v => $"{v.From:MM-dd} {v.TwoStar}/{v.ThreeStar}"))}]; "
        + $"areas [{string.Join(", ", Areas.Select(a => $"{a.From:MM-dd} {a.Area}"))}]; "
        + $"occupancy [{string.Join(", ", Occupancy.Select(o => $"{o.From:yyyy-MM-dd} {o.Status}"))}]; "
        + $"subsidy [{string.Join(", ", SubsidyVersions.Select(s => $"{s.From:yyyy-MM-dd} {s.Rate} cap {s.HouseholdCap}"))}]";

    /// <summary>Builds a household-month from a seed: reproducible, with the edges real registers have.</summary>
    public static HouseholdMonth Random(int seed)
    {
        var random = new Random(seed);
        var period = new YearMonth(2024 + random.Next(4), 1 + random.Next(12));
        var days = period.Calendar.GetDaysInMonth(period.Year, period.Month);
        LocalDate InMonth() => period.OnDayOfMonth(2 + random.Next(days - 1));
        List<LocalDate> Changes(int most) =>
            Enumerable.Range(0, random.Next(most + 1)).Select(_ => InMonth()).Distinct().Order().ToList();
        decimal Price() => random.Next(1, 20_000) / 10_000m;

        var start = random.Next(10) switch
        {
            0 => period.OnDayOfMonth(1 + random.Next(days)),
            1 => period.PlusMonths(1).OnDayOfMonth(1),
            _ => HistoryStart,
        };
        var levels = Changes(2).Select(d => (d, 2 + random.Next(2))).Prepend((HistoryStart, 2 + random.Next(2))).ToList();
        var versions = Changes(2).Select(d => (d, Price(), Price())).Prepend((HistoryStart, Price(), Price())).ToList();
        var areas = Changes(2).Select(d => (d, random.Next(1, 100_000) / 100m)).Prepend((HistoryStart, random.Next(1, 100_000) / 100m)).ToList();

        var statuses = new[] { Core.Register.Occupancy.Occupied, Core.Register.Occupancy.Vacant, Core.Register.Occupancy.NotBilled, Core.Register.Occupancy.MovedOut };
        var occupancyDates = Changes(3);
        if (random.Next(4) == 0)
        {
            // A first row dated before the month: what it says holds from then.
            occupancyDates.Insert(0, period.OnDayOfMonth(1).PlusDays(-1 - random.Next(400)));
        }

        var occupancy = occupancyDates.Select(d => (d, statuses[random.Next(statuses.Length)])).ToList();

        var subsidyDates = Changes(2);
        if (random.Next(3) > 0)
        {
            subsidyDates.Insert(0, random.Next(2) == 0 ? HistoryStart : period.OnDayOfMonth(1).PlusDays(-random.Next(60)));
        }

        var subsidies = subsidyDates.Distinct().Order()
            .Select(d => (d, random.Next(0, 5_000) / 10_000m, random.Next(3) == 0 ? random.Next(0, 2_000) / 100m : (decimal?)null))
            .ToList();

        return new HouseholdMonth(period, start, random.Next(2) == 0, random.Next(4) == 0, random.Next(3) == 0 ? random.Next(10, 100) / 100m : null,
            levels, versions, areas, occupancy, subsidies);
    }
}

/// <summary>
/// A deliberately simple model of the rules, written from the rule book and sharing no code with
/// the engine: walk the month day by day, look up what was in force that day, add the day's share
/// to the line it belongs to, and round once per line. Slow and obvious on purpose.
/// </summary>
public static class DayByDayReference
{
    public static IReadOnlyList<(string Kind, decimal Amount)> Bill(HouseholdMonth m)
    {
        var mode = m.HalfToEven ? MidpointRounding.ToEven : MidpointRounding.AwayFromZero;
        var days = new List<DayFacts?>();
        for (var day = m.Period.OnDayOfMonth(1); day.Month == m.Period.Month; day = day.PlusDays(1))
        {
            days.Add(Facts(m, day));
        }

        var billedDays = days.Count(d => d is not null);
        var denominator = m.ThirtyDayMonth && billedDays < m.DaysInMonth ? 30 : m.DaysInMonth;

        var lines = new List<(string, decimal)>();
        var paidUnderCaps = 0m;
        var i = 0;
        while (i < days.Count)
        {
            if (days[i] is not { } facts)
            {
                i++;
                continue;
            }

            // One line per run of days on which nothing that prices the month differs.
            var feeSum = 0m;
            var subsidySum = 0m;
            while (i < days.Count && days[i] == facts)
            {
                feeSum += facts.Area * facts.Price * facts.Share;
                subsidySum += facts.Area * facts.SubsidyRate * facts.Share;
                i++;
            }

            var fee = Math.Round(feeSum / denominator, 2, mode);
            lines.Add(("property_fee", fee));
            if (facts.SubsidyVersion >= 0)
            {
                var cap = m.SubsidyVersions[facts.SubsidyVersion].HouseholdCap;
                var limit = cap is { } c ? Math.Min(fee, Math.Max(0m, c - paidUnderCaps)) : fee;
                var district = Math.Round(Math.Min(subsidySum / denominator, limit), 2, mode);
                if (district != 0m)
                {
                    lines.Add(("subsidy", -district));
                }

                if (cap is not null)
                {
                    paidUnderCaps += district;
                }
            }
        }

        return lines;
    }

    /// <summary>What prices one day, or null when the day is not billed; records are equal exactly when the day belongs to the same line.</summary>
    private sealed record DayFacts(int Version, int Level, int AreaEntry, int OccupancyEntry, int SubsidyVersion, decimal Area, decimal Price, decimal Share, decimal SubsidyRate);

    private static DayFacts? Facts(HouseholdMonth m, LocalDate day)
    {
        if (day < m.BillingStart)
        {
            return null;
        }

        // Occupancy: the last row on or before the day; before the first row, what that row implies.
        var occupancyEntry = -1;
        for (var k = 0; k < m.Occupancy.Count; k++)
        {
            if (m.Occupancy[k].From <= day)
            {
                occupancyEntry = k;
            }
        }

        Occupancy status;
        if (m.Occupancy.Count == 0)
        {
            status = Occupancy.Occupied;
        }
        else if (occupancyEntry < 0)
        {
            // Moved in or not handed over: not billed before. Moved out or fell vacant: occupied before.
            var first = m.Occupancy[0].Status;
            status = first is Occupancy.Occupied or Occupancy.NotBilled ? Occupancy.NotBilled : Occupancy.Occupied;
        }
        else
        {
            status = m.Occupancy[occupancyEntry].Status;
        }

        if (status is Occupancy.NotBilled or Occupancy.MovedOut)
        {
            return null;
        }

        var version = LastOnOrBefore(m.RateVersions, v => v.From, day);
        var level = LastOnOrBefore(m.Levels, l => l.From, day);
        var area = LastOnOrBefore(m.Areas, a => a.From, day);
        var subsidy = LastOnOrBefore(m.SubsidyVersions, s => s.From, day);
        var price = m.Levels[level].Stars == 2 ? m.RateVersions[version].TwoStar : m.RateVersions[version].ThreeStar;
        var share = status == Occupancy.Vacant && m.VacancyShare is { } v ? v : 1m;
        return new DayFacts(version, level, area, occupancyEntry, subsidy, m.Areas[area].Area, price, share,
            subsidy >= 0 ? m.SubsidyVersions[subsidy].Rate : 0m);
    }

    private static int LastOnOrBefore<T>(IReadOnlyList<T> entries, Func<T, LocalDate> from, LocalDate day)
    {
        var found = -1;
        for (var k = 0; k < entries.Count; k++)
        {
            if (from(entries[k]) <= day)
            {
                found = k;
            }
        }

        return found;
    }
}
