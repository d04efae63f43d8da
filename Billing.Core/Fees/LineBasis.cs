using System.Globalization;
using NodaTime;

namespace RedProperty.Billing.Core.Fees;

/// <summary>The inputs of a line's formula, kept with the line so that every amount can be explained.</summary>
public abstract record LineBasis(FenRounding Rounding)
{
    public abstract decimal Exact { get; }

    public Money Amount => new Money(Exact).RoundToFen(Rounding);

    public abstract string Describe();

    protected static string N(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture);
}

/// <summary>
/// quantity × rate × (days / denominator) × share: the property fee and every per-area, per-household
/// and per-permit item. The denominator is the month's actual days or 30, as the rate book says.
/// </summary>
/// <param name="Quantity">m², households (1) or permits.</param>
/// <param name="QuantityUnit">"m²", "户", "个".</param>
/// <param name="RateUnit">"元/m²/月", "元/户/月", "元/个/月".</param>
/// <param name="Share">1, or the vacancy share (e.g. 0.70) while the home is vacant.</param>
public sealed record ProratedBasis(
    decimal Quantity,
    string QuantityUnit,
    decimal Rate,
    string RateUnit,
    LocalDate From,
    LocalDate To,
    int Days,
    int Denominator,
    bool WholeMonth,
    decimal Share,
    FenRounding Rounding) : LineBasis(Rounding)
{
    public override decimal Exact
    {
        get
        {
            var monthly = Quantity * Rate * Share;
            return WholeMonth ? monthly : monthly * Days / Denominator;
        }
    }

    public override string Describe()
    {
        var text = $"{N(Quantity)} {QuantityUnit} × {N(Rate)} {RateUnit} × {Days}/{Denominator} 天";
        if (Share != 1m)
        {
            text += $" × {(Share * 100m).ToString("0.##", CultureInfo.InvariantCulture)}%（空置）";
        }

        return WholeMonth ? text : $"{text}（{From.Month}月{From.Day}日–{To.Month}月{To.Day}日）";
    }
}

/// <summary>quantity read from a meter × price per unit; not prorated.</summary>
public sealed record MeteredBasis(decimal Quantity, string Unit, decimal Rate, FenRounding Rounding) : LineBasis(Rounding)
{
    public override decimal Exact => Quantity * Rate;

    public override string Describe() => $"{N(Quantity)} {Unit} × {N(Rate)} 元/{Unit}";
}

/// <summary>overdue amount × daily rate × days late, capped at a share of the overdue amount.</summary>
public sealed record LateFeeBasis(Money Overdue, LocalDate DueDate, int DaysLate, decimal DailyRate, decimal CapShare, FenRounding Rounding)
    : LineBasis(Rounding)
{
    public override decimal Exact => Math.Min(Overdue.Yuan * DailyRate * DaysLate, Overdue.Yuan * CapShare);

    public override string Describe() =>
        $"{N(Overdue.Yuan)} 元 × {(DailyRate * 100m).ToString("0.####", CultureInfo.InvariantCulture)}%/天 × {DaysLate} 天（{DueDate.Year}年{DueDate.Month}月{DueDate.Day}日到期）";
}
