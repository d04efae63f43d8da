using RedProperty.Billing.Core;

namespace RedProperty.Billing.Tests.Values;

/// <summary>Money at its edges: equal amounts, zero, a fen either side, and the text statements print.</summary>
[Trait("Category", "Core")]
public class MoneyEdgeTests
{
    [Theory]
    //            a       b       a<b    a<=b   a>b    a>=b
    [InlineData(10.00, 10.00, false, true, false, true)]
    [InlineData(9.99, 10.00, true, true, false, false)]
    [InlineData(10.01, 10.00, false, false, true, true)]
    [InlineData(-0.01, 0.00, true, true, false, false)]
    public void Comparisons_hold_at_equal_amounts_and_a_fen_either_side(decimal a, decimal b, bool less, bool lessOrEqual, bool greater, bool greaterOrEqual)
    {
        var (x, y) = (new Money(a), new Money(b));

        Assert.Equal((less, lessOrEqual, greater, greaterOrEqual), (x < y, x <= y, x > y, x >= y));
        Assert.Equal(a.CompareTo(b), x.CompareTo(y));
    }

    [Theory]
    [InlineData(-0.01, true)]
    [InlineData(0.00, false)]
    [InlineData(0.01, false)]
    public void Only_amounts_below_zero_are_negative(decimal yuan, bool negative)
    {
        Assert.Equal(negative, new Money(yuan).IsNegative);
    }

    [Theory]
    [InlineData(1.23, true)]
    [InlineData(1.2, true)]
    [InlineData(1.234, false)]
    [InlineData(1.235, false)]
    [InlineData(-1.005, false)]
    public void Whole_fen_means_nothing_after_the_second_decimal(decimal yuan, bool wholeFen)
    {
        Assert.Equal(wholeFen, new Money(yuan).IsWholeFen);
    }

    [Fact]
    public void Arithmetic_keeps_every_decimal_until_rounded()
    {
        // 10.00 + 2.505 = 12.505; 10.00 − 2.505 = 7.495; −2.505; 2.505 × 3 = 7.515; sum 1.10 + 2.20 + 3.30 = 6.60.
        var (ten, part) = (new Money(10.00m), new Money(2.505m));

        Assert.Equal(12.505m, (ten + part).Yuan);
        Assert.Equal(7.495m, (ten - part).Yuan);
        Assert.Equal(-2.505m, (-part).Yuan);
        Assert.Equal(7.515m, (part * 3m).Yuan);
        Assert.Equal(6.60m, Money.Sum([new Money(1.10m), new Money(2.20m), new Money(3.30m)]).Yuan);
        Assert.Equal(0m, Money.Sum([]).Yuan);
        Assert.Equal(4.20m, Money.Of(4.20m).Yuan);
    }

    [Theory]
    [InlineData(41.47, "41.47")]
    [InlineData(41.4, "41.40")]
    [InlineData(41.472, "41.472")]
    [InlineData(-3, "-3.00")]
    public void Plain_text_has_at_least_two_and_at_most_four_decimals(decimal yuan, string expected)
    {
        Assert.Equal(expected, new Money(yuan).ToString());
    }

    [Fact]
    public void Displaying_an_unrounded_amount_says_which_amount()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new Money(1.234m).ToFenString());

        Assert.Equal("1.234 yuan was not rounded to the fen before display.", error.Message);
    }

    [Theory]
    [InlineData("half-away-from-zero", 2.345, 2.35)]
    [InlineData("half-to-even", 2.345, 2.34)]
    [InlineData("half-to-even", 2.355, 2.36)]
    public void Each_rounding_mode_keeps_its_name_and_its_rule(string name, decimal yuan, decimal expected)
    {
        Assert.True(FenRounding.TryParse(name, out var rounding));

        Assert.Equal(name, rounding.Name);
        Assert.Equal(name, rounding.ToString());
        Assert.Equal(expected, rounding.Round(yuan));
    }

    [Fact]
    public void An_unknown_rounding_name_falls_back_to_half_away_from_zero()
    {
        Assert.False(FenRounding.TryParse("truncate", out var rounding));

        Assert.Equal(FenRounding.HalfAwayFromZero, rounding);
    }
}
