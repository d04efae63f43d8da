using RedProperty.Billing.Core;

namespace RedProperty.Billing.Tests.Fees;

[Trait("Category", "Core")]
public class MoneyTests
{
    [Theory]
    [InlineData(5.125, 5.13)]
    [InlineData(-5.125, -5.13)]
    [InlineData(0.005, 0.01)]
    [InlineData(0.0049, 0.00)]
    public void Rounding_to_the_fen_goes_half_away_from_zero(decimal yuan, decimal expected)
    {
        Assert.Equal(expected, new Money(yuan).RoundToFen(FenRounding.HalfAwayFromZero).Yuan);
    }

    [Fact]
    public void An_unrounded_amount_cannot_be_displayed()
    {
        Assert.Throws<InvalidOperationException>(() => new Money(1.234m).ToFenString());
        Assert.Equal("1.20", new Money(1.2m).ToFenString());
    }

    [Theory]
    [InlineData("half-away-from-zero", true)]
    [InlineData("half-to-even", true)]
    [InlineData("truncate", false)]
    [InlineData(null, false)]
    public void Rounding_modes_are_named_in_rate_files(string? name, bool known)
    {
        Assert.Equal(known, FenRounding.TryParse(name, out _));
    }
}
