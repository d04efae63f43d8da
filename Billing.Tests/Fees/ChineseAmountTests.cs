using System.Globalization;
using RedProperty.Billing.Core;

namespace RedProperty.Billing.Tests.Fees;

[Trait("Category", "Core")]
public class ChineseAmountTests
{
    [Theory]
    [InlineData("0.00",                 "零元整")]
    [InlineData("-0.00",                "零元整")]
    [InlineData("0.05",                 "伍分")]
    [InlineData("0.50",                 "伍角整")]
    [InlineData("1.05",                 "壹元零伍分")]
    [InlineData("1.50",                 "壹元伍角整")]
    [InlineData("10.00",                "壹拾元整")]
    [InlineData("15.30",                "壹拾伍元叁角整")]
    [InlineData("42.96",                "肆拾贰元玖角陆分")]
    [InlineData("100.00",               "壹佰元整")]
    [InlineData("100.05",               "壹佰元零伍分")]
    [InlineData("101.00",               "壹佰零壹元整")]
    [InlineData("1010.10",              "壹仟零壹拾元壹角整")]
    [InlineData("10005.00",             "壹万零伍元整")]
    [InlineData("100500.00",            "壹拾万零伍佰元整")]
    [InlineData("101000.00",            "壹拾万零壹仟元整")]
    [InlineData("1000000.00",           "壹佰万元整")]
    [InlineData("1005000.00",           "壹佰万零伍仟元整")]
    [InlineData("1050000.00",           "壹佰零伍万元整")]
    [InlineData("100000001.00",         "壹亿零壹元整")]
    [InlineData("123456789.12",         "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分")]
    [InlineData("20000000000.00",       "贰佰亿元整")]
    [InlineData("1000000000000.00",     "壹万亿元整")]
    [InlineData("1000100000000.00",     "壹万零壹亿元整")]
    [InlineData("1000000010000.00",     "壹万亿零壹万元整")]
    [InlineData("9999999999999.99",     "玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分")]
    [InlineData("-0.05",                "负伍分")]
    [InlineData("-42.96",               "负肆拾贰元玖角陆分")]
    public void Amounts_are_written_in_capital_numerals(string yuan, string expected)
    {
        Assert.Equal(expected, ChineseAmount.Capital(Yuan(yuan)));
    }

    [Fact]
    public void An_amount_with_parts_of_a_fen_cannot_be_written()
    {
        Assert.Throws<ArgumentException>(() => ChineseAmount.Capital(Yuan("1.234")));
    }

    [Theory]
    [InlineData("10000000000000.00")]
    [InlineData("-10000000000000.00")]
    public void Amounts_of_ten_thousand_yi_and_more_cannot_be_written(string yuan)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChineseAmount.Capital(Yuan(yuan)));
    }

    private static Money Yuan(string yuan) => new(decimal.Parse(yuan, CultureInfo.InvariantCulture));
}
