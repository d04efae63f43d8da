using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Tests.Support;

/// <summary>A random household-month: area, price, month, and dates on which its occupancy changes.</summary>
public sealed record MonthScenario(SquareMetres Area, AreaPrice Price, YearMonth Period, IReadOnlyList<(LocalDate From, Occupancy Status)> Occupancy)
{
    public int DaysInMonth => Period.Calendar.GetDaysInMonth(Period.Year, Period.Month);

    public int BilledDays()
    {
        var days = 0;
        for (var d = Period.OnDayOfMonth(1); d.Month == Period.Month; d = d.PlusDays(1))
        {
            var status = Occupancy.LastOrDefault(o => o.From <= d, Occupancy[0]).Status;
            days += status == Core.Register.Occupancy.NotBilled ? 0 : 1;
        }

        return days;
    }

    public override string ToString() =>
        $"{Area} m² × {Price} in {Period}; occupancy {string.Join(", ", Occupancy.Select(o => $"{o.From:yyyy-MM-dd} {o.Status}"))}";
}

/// <summary>Generators for our units and scenarios: areas as on a property certificate, prices as in a rate book.</summary>
public static class BillingArbitraries
{
    /// <summary>0.01 to 999.99 m², two decimals.</summary>
    public static Arbitrary<SquareMetres> SquareMetres() =>
        Gen.Choose(1, 99_999).Select(fen => new SquareMetres(fen / 100m)).ToArbitrary();

    /// <summary>0.0000 to 9.9999 yuan/m²/month: rate books state prices to at most four decimals.</summary>
    public static Arbitrary<AreaPrice> AreaPrice() =>
        Gen.Choose(0, 99_999).Select(p => new AreaPrice(p / 10_000m)).ToArbitrary();

    /// <summary>Months from 2022 to 2030, leap Februaries included.</summary>
    public static Arbitrary<YearMonth> YearMonth() =>
        Gen.Choose(0, 12 * 9 - 1).Select(i => new YearMonth(2022 + (i / 12), 1 + (i % 12))).ToArbitrary();

    public static Arbitrary<MonthScenario> MonthScenario() =>
        (from area in SquareMetres().Generator
         from price in AreaPrice().Generator
         from period in YearMonth().Generator
         from first in Gen.Elements(Occupancy.Occupied, Occupancy.Vacant, Occupancy.NotBilled)
         from changes in Gen.ListOf(Gen.Choose(2, 31).Zip(Gen.Elements(Occupancy.Occupied, Occupancy.Vacant, Occupancy.NotBilled)))
         let days = period.Calendar.GetDaysInMonth(period.Year, period.Month)
         let timeline = changes
             .Where(c => c.Item1 <= days)
             .DistinctBy(c => c.Item1)
             .OrderBy(c => c.Item1)
             .Select(c => (period.OnDayOfMonth(c.Item1), c.Item2))
             .Prepend((TestRegister.Start, first))
             .ToList()
         select new MonthScenario(area, price, period, timeline)).ToArbitrary();
}

/// <summary>An FsCheck property with our generators and at least 1,000 cases.</summary>
public sealed class BillingPropertyAttribute : PropertyAttribute
{
    public BillingPropertyAttribute()
    {
        Arbitrary = [typeof(BillingArbitraries)];
        MaxTest = 1000;
    }
}
