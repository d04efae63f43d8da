namespace RedProperty.Billing.Core;

/// <summary>
/// How a line amount is rounded to the fen. This is a business decision of the rate book, not a
/// technical detail: Chinese practice (四舍五入) rounds half away from zero, and some local rules
/// prefer banker's rounding, so the mode is data and every statement line records which was used.
/// </summary>
public readonly record struct FenRounding
{
    public static readonly FenRounding HalfAwayFromZero = new("half-away-from-zero", MidpointRounding.AwayFromZero);
    public static readonly FenRounding HalfToEven = new("half-to-even", MidpointRounding.ToEven);

    private readonly MidpointRounding _mode;

    private FenRounding(string name, MidpointRounding mode)
    {
        Name = name;
        _mode = mode;
    }

    /// <summary>The name used in rate files.</summary>
    public string Name { get; }

    public decimal Round(decimal yuan) => decimal.Round(yuan, 2, _mode);

    public static bool TryParse(string? name, out FenRounding rounding)
    {
        switch (name)
        {
            case "half-away-from-zero":
                rounding = HalfAwayFromZero;
                return true;
            case "half-to-even":
                rounding = HalfToEven;
                return true;
            default:
                rounding = HalfAwayFromZero;
                return false;
        }
    }

    public override string ToString() => Name;
}
