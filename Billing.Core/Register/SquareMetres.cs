using System.Globalization;

namespace RedProperty.Billing.Core.Register;

/// <summary>Building area (建筑面积) in m², recorded with at most two decimals as on the property certificate.</summary>
public readonly record struct SquareMetres
{
    public SquareMetres(decimal value)
    {
        if (value < 0m)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Building area cannot be negative.");
        }

        if (decimal.Round(value, 2) != value)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Building area has at most two decimals.");
        }

        Value = value;
    }

    public decimal Value { get; }

    /// <summary>Parses "86.4" or "86.40"; refuses negatives, zero and more than two decimals.</summary>
    public static bool TryParse(string? text, out SquareMetres area, out string problem)
    {
        area = default;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            problem = $"'{text}' is not a number of square metres (use a dot for decimals, e.g. 86.40)";
            return false;
        }

        if (value <= 0m)
        {
            problem = $"building area must be greater than 0, got {text}";
            return false;
        }

        if (decimal.Round(value, 2) != value)
        {
            problem = $"building area has at most two decimals, got {text}";
            return false;
        }

        area = new SquareMetres(value);
        problem = string.Empty;
        return true;
    }

    public override string ToString() => Value.ToString("0.00", CultureInfo.InvariantCulture);
}
