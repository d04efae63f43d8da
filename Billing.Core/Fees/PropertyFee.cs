using System.Globalization;
using NodaTime;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Core.Fees;

/// <summary>物业服务费: building area × the price of the service level × the share of the month billed.</summary>
public static class PropertyFee
{
    public const string Kind = "property_fee";

    /// <summary>
    /// The exact (unrounded) fee. Days are billed by the actual number of days in the month, so a
    /// whole month is exactly area × price whatever the month's length.
    /// </summary>
    public static decimal Exact(SquareMetres area, AreaPrice price, int days, int daysInMonth)
    {
        if (daysInMonth is < 28 or > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(daysInMonth), daysInMonth, "A month has 28 to 31 days.");
        }

        if (days < 0 || days > daysInMonth)
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, $"Billed days must be between 0 and {daysInMonth}.");
        }

        var monthly = area.Value * price.YuanPerSquareMetreMonth;
        return days == daysInMonth ? monthly : monthly * days / daysInMonth;
    }

    /// <summary>The fee line for <paramref name="days"/> days of <paramref name="period"/>, rounded once, to the fen.</summary>
    public static ChargeLine Line(
        SquareMetres area, ServiceLevel level, RateBookVersion rates, AreaPrice price, YearMonth period, int days)
    {
        var daysInMonth = period.Calendar.GetDaysInMonth(period.Year, period.Month);
        var amount = new Money(Exact(area, price, days, daysInMonth)).RoundToFen(rates.Rounding);
        var formula = string.Create(
            CultureInfo.InvariantCulture,
            $"{area} m² × {price} 元/m²/月 × {days}/{daysInMonth} 天");
        return new ChargeLine(
            Kind,
            $"物业服务费（{level.ToDisplay()}）",
            formula,
            rates.VersionId,
            amount,
            new AreaBasis(area, price, days, daysInMonth, rates.Rounding));
    }
}
