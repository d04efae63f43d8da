using System.Globalization;
using NodaTime;

namespace RedProperty.Billing.Core.Fees;

/// <summary>The inputs of a line's formula, kept with the line so that every amount can be explained.</summary>
public abstract record LineBasis(FenRounding Rounding)
{
    public abstract decimal Exact { get; }

    public Money Amount => new Money(Exact).RoundToFen(Rounding);

    public abstract string Describe();

    /// <summary>
    /// What is stored beside the line so its amount can be recomputed from the database alone.
    /// Abstract on purpose: a new kind of line does not compile until it says what it stores.
    /// </summary>
    public abstract LineInputs Inputs { get; }

    protected static string N(decimal value) => value.ToString("0.00##", CultureInfo.InvariantCulture);

    protected static string Dec(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    protected static string Fen(Money value) => value.Yuan.ToString("0.00", CultureInfo.InvariantCulture);
}

/// <summary>
/// The stored inputs of a line: the common columns (quantity × rate × days ÷ denominator × share)
/// and, by name, whatever else its formula needs (a pool, a floor, a corrected statement).
/// </summary>
public sealed record LineInputs(
    decimal? Quantity, string? QuantityUnit, decimal? Rate, string? RateUnit, int? Days, int? Denominator, LocalDate? From, LocalDate? To, decimal? Share)
{
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The one order of arithmetic for every prorated amount: quantity × rate × share × days ÷
/// denominator, exact in decimal, rounded once by the caller through the rate book's mode.
/// Taking the day fraction first (days ÷ denominator, then multiplying) leaves a 28-digit
/// remainder that can tip a half-fen the other way under half-to-even rounding.
/// </summary>
public static class Prorate
{
    public static decimal Exact(decimal quantity, decimal rate, decimal share, int days, int denominator, bool wholeMonth)
    {
        var monthly = quantity * rate * share;
        return wholeMonth ? monthly : monthly * days / denominator;
    }
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
    public override decimal Exact => Prorate.Exact(Quantity, Rate, Share, Days, Denominator, WholeMonth);

    public override LineInputs Inputs => new(Quantity, QuantityUnit, Rate, RateUnit, Days, Denominator, From, To, Share)
    {
        Extra = new Dictionary<string, string> { ["whole_month"] = WholeMonth ? "true" : "false" },
    };

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

    public override LineInputs Inputs => new(Quantity, Unit, Rate, "元/" + Unit, null, null, null, null, null);

    public override string Describe() => $"{N(Quantity)} {Unit} × {N(Rate)} 元/{Unit}";
}
