using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Tests.Support;

/// <summary>Generators for our units: areas as on a property certificate, prices as in a rate book.</summary>
public static class BillingArbitraries
{
    /// <summary>0.01 to 999.99 m², two decimals.</summary>
    public static Arbitrary<SquareMetres> SquareMetres() =>
        Gen.Choose(1, 99_999).Select(fen => new SquareMetres(fen / 100m)).ToArbitrary();

    /// <summary>0.0000 to 9.9999 yuan/m²/month: rate books state prices to at most four decimals.</summary>
    public static Arbitrary<AreaPrice> AreaPrice() =>
        Gen.Choose(0, 99_999).Select(p => new AreaPrice(p / 10_000m)).ToArbitrary();
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
