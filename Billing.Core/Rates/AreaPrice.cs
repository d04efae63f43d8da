using System.Globalization;

namespace RedProperty.Billing.Core.Rates;

/// <summary>A price in yuan per m² of building area per month, e.g. 0.48 for Heze's 2-star service.</summary>
public readonly record struct AreaPrice
{
    public AreaPrice(decimal yuanPerSquareMetreMonth)
    {
        if (yuanPerSquareMetreMonth < 0m)
        {
            throw new ArgumentOutOfRangeException(nameof(yuanPerSquareMetreMonth), yuanPerSquareMetreMonth, "A price cannot be negative.");
        }

        YuanPerSquareMetreMonth = yuanPerSquareMetreMonth;
    }

    public decimal YuanPerSquareMetreMonth { get; }

    public override string ToString() => YuanPerSquareMetreMonth.ToString("0.00##", CultureInfo.InvariantCulture);
}
