using System.Globalization;
using RedProperty.Billing.Core;

namespace RedProperty.Billing.Tests.Values;

/// <summary>
/// 大写 amounts at the edges of each wording rule (零 between digits and across 万/亿, 整 after whole
/// jiao, 角/分), and what the caller is told when an amount cannot be written. Expected text by hand.
/// </summary>
[Trait("Category", "Core")]
public class ChineseAmountEdgeTests
{
    [Theory]
    [InlineData("0.01",             "壹分")]                     // fen only: no 元, no 零, no 整
    [InlineData("0.10",             "壹角整")]                   // jiao only: 整 because no fen follows
    [InlineData("0.11",             "壹角壹分")]
    [InlineData("1.00",             "壹元整")]
    [InlineData("1.01",             "壹元零壹分")]               // no jiao between 元 and fen: one 零
    [InlineData("1.10",             "壹元壹角整")]
    [InlineData("9.99",             "玖元玖角玖分")]
    [InlineData("10.01",            "壹拾元零壹分")]             // a zero units digit before 元 is not read; the missing jiao is
    [InlineData("20.00",            "贰拾元整")]
    [InlineData("1001.00",          "壹仟零壹元整")]             // two zeros read as one 零
    [InlineData("1100.00",          "壹仟壹佰元整")]             // trailing zeros are not read
    [InlineData("9999.00",          "玖仟玖佰玖拾玖元整")]
    [InlineData("10000.00",         "壹万元整")]                 // the first 万: an empty group below it
    [InlineData("10010.00",         "壹万零壹拾元整")]
    [InlineData("10011.00",         "壹万零壹拾壹元整")]         // one 零 for the zeros, none between the digits after them
    [InlineData("11000.00",         "壹万壹仟元整")]
    [InlineData("99999999.00",      "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整")]
    [InlineData("100000000.00",     "壹亿元整")]                 // 亿 with two empty groups below: no 万, no 零
    [InlineData("100010000.00",     "壹亿零壹万元整")]           // zeros across the 万 mark: one 零
    [InlineData("110000000.00",     "壹亿壹仟万元整")]
    [InlineData("1000000000.00",    "壹拾亿元整")]
    [InlineData("100000000000.00",  "壹仟亿元整")]
    [InlineData("1100000000000.00", "壹万壹仟亿元整")]           // 万亿 group then a digit in the 亿 group
    [InlineData("-1.01",            "负壹元零壹分")]
    [InlineData("-10000.00",        "负壹万元整")]
    public void Amounts_at_each_wording_edge(string yuan, string expected)
    {
        Assert.Equal(expected, ChineseAmount.Capital(Yuan(yuan)));
    }

    [Fact]
    public void A_part_of_a_fen_is_refused_with_the_amount_in_the_message()
    {
        var error = Assert.Throws<ArgumentException>(() => ChineseAmount.Capital(Yuan("1.234")));

        Assert.Equal("amount", error.ParamName);
        Assert.StartsWith("1.234 yuan is not a whole number of fen.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_thousand_yi_is_refused_with_the_largest_amount_that_can_be_written()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ChineseAmount.Capital(Yuan("10000000000000.00")));

        Assert.Equal("amount", error.ParamName);
        Assert.Equal(10000000000000.00m, error.ActualValue);
        Assert.StartsWith("Only amounts up to 9999999999999.99 yuan can be written.", error.Message, StringComparison.Ordinal);
    }

    private static Money Yuan(string yuan) => new(decimal.Parse(yuan, CultureInfo.InvariantCulture));
}
