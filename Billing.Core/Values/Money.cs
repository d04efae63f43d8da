using System.Globalization;

namespace RedProperty.Billing.Core;

/// <summary>
/// An amount of Chinese yuan (CNY). Intermediate results may carry more than two decimals;
/// anything a person sees or that is stored on a statement is first rounded to the fen
/// with the rate book's <see cref="FenRounding"/>.
/// </summary>
public readonly record struct Money : IComparable<Money>
{
    public static readonly Money Zero = new(0m);

    public Money(decimal yuan) => Yuan = yuan;

    public decimal Yuan { get; }

    public static Money Of(decimal yuan) => new(yuan);

    public bool IsNegative => Yuan < 0m;

    public bool IsWholeFen => decimal.Round(Yuan, 2) == Yuan;

    public Money RoundToFen(FenRounding rounding) => new(rounding.Round(Yuan));

    public static Money operator +(Money a, Money b) => new(a.Yuan + b.Yuan);

    public static Money operator -(Money a, Money b) => new(a.Yuan - b.Yuan);

    public static Money operator -(Money a) => new(-a.Yuan);

    public static Money operator *(Money a, decimal factor) => new(a.Yuan * factor);

    public static bool operator <(Money a, Money b) => a.Yuan < b.Yuan;

    public static bool operator >(Money a, Money b) => a.Yuan > b.Yuan;

    public static bool operator <=(Money a, Money b) => a.Yuan <= b.Yuan;

    public static bool operator >=(Money a, Money b) => a.Yuan >= b.Yuan;

    public int CompareTo(Money other) => Yuan.CompareTo(other.Yuan);

    public static Money Sum(IEnumerable<Money> amounts) => amounts.Aggregate(Zero, (total, next) => total + next);

    /// <summary>Two decimals, invariant culture: "41.47". Callers round first; this does not.</summary>
    public override string ToString() => Yuan.ToString("0.00##", CultureInfo.InvariantCulture);

    /// <summary>Exactly two decimals for statements; throws if the amount was not rounded.</summary>
    public string ToFenString()
    {
        if (!IsWholeFen)
        {
            throw new InvalidOperationException($"{Yuan} yuan was not rounded to the fen before display.");
        }

        return Yuan.ToString("0.00", CultureInfo.InvariantCulture);
    }
}
