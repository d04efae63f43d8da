using RedProperty.Billing.Core.Parking;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>
/// 统一社会信用代码 (GB 32100-2015): 18 characters from 0–9 and A–Y without I, O, S, V, Z; the last
/// is a check character. The check sums are worked out by hand below, independently of the code:
/// character values 0–9 = 0–9, A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20 M21 N22 P23 Q24 R25 T26
/// U27 W28 X29 Y30; weights 3^i mod 31 = 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; the check
/// character has the value 31 − (sum mod 31), and 0 when that is 31.
/// </summary>
[Trait("Category", "Core")]
public sealed class CreditCodeTests
{
    [Theory]
    // 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 4: 9 + 3 + 27 + 135 + 26 + 21×20 + 8 + 30×30 + 4×28
    //   = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 + 112 = 1640 = 52×31 + 28 → 31 − 28 = 3
    [InlineData("91350100M000100Y43")]
    // 9 1 1 1 0 0 0 0 8 0 2 1 0 0 4 3 3: 9 + 3 + 9 + 27 + 8×20 + 2×25 + 13 + 4×10 + 3×30 + 3×28
    //   = 9 + 3 + 9 + 27 + 160 + 50 + 13 + 40 + 90 + 84 = 485 = 15×31 + 20 → 31 − 20 = 11 = B
    [InlineData("91110000802100433B")]
    // 9 1 4 4 0 3 0 0 7 0 8 5 2 0 0 4 0: 9 + 3 + 36 + 108 + 3×26 + 7×20 + 8×25 + 5×13 + 2×8 + 4×30
    //   = 9 + 3 + 36 + 108 + 78 + 140 + 200 + 65 + 16 + 120 = 775 = 25×31 + 0 → 31 − 0 = 31 → 0
    [InlineData("914403007085200400")]
    // 5 2 5 2 0 1 0 0 M A 6 J 7 X W 1 P: 5 + 6 + 45 + 54 + 26 + 21×20 + 10×29 + 6×25 + 18×13 + 7×8
    //   + 29×24 + 28×10 + 1×30 + 23×28 = 5 + 6 + 45 + 54 + 26 + 420 + 290 + 150 + 234 + 56 + 696
    //   + 280 + 30 + 644 = 2936 = 94×31 + 22 → 31 − 22 = 9
    [InlineData("52520100MA6J7XW1P9")]
    public void A_code_with_the_right_check_character_is_accepted_as_written(string text)
    {
        Assert.True(CreditCode.TryParse(text, out var code, out var problem));

        Assert.Equal((text, string.Empty), (code.Value, problem));
        Assert.Equal(text, code.ToString());
    }

    [Fact]
    public void Spaces_around_a_code_and_lower_case_letters_are_forgiven()
    {
        Assert.True(CreditCode.TryParse("  91350100m000100y43 ", out var code, out var problem));

        Assert.Equal(("91350100M000100Y43", string.Empty), (code.Value, problem));
    }

    [Theory]
    // The right check characters are the ones worked out above: 3, B, 0 and 9.
    [InlineData("91350100M000100Y44", '3')]
    [InlineData("91110000802100433C", 'B')]
    [InlineData("91110000802100433A", 'B')]
    [InlineData("91440300708520040Y", '0')]
    [InlineData("914403007085200401", '0')]
    [InlineData("52520100MA6J7XW1P8", '9')]
    // One body character changed: 9 1 3 5 0 1 0 0 M 0 0 0 1 0 0 Y 5 adds 28 → 1668 = 53×31 + 25 → 6
    [InlineData("91350100M000100Y53", '6')]
    public void A_wrong_check_character_is_refused_and_the_right_one_is_named(string text, char expected)
    {
        Assert.False(CreditCode.TryParse(text, out var code, out var problem));

        Assert.Equal($"'{text}' fails its check digit (expected {expected} at the end): a character is mistyped", problem);
        Assert.Equal(default, code);
    }

    [Theory]
    [InlineData("91350100M000100Y4")] // 17 characters
    [InlineData("91350100M000100Y433")] // 19 characters
    [InlineData("91350100I000100Y43")] // I is not used
    [InlineData("91350100O000100Y43")] // nor O
    [InlineData("91350100S000100Y43")] // nor S
    [InlineData("91350100M000100Y4-")]
    [InlineData("")]
    public void Anything_but_18_characters_of_the_alphabet_is_refused_with_the_rule(string text)
    {
        Assert.False(CreditCode.TryParse(text, out var code, out var problem));

        Assert.Equal($"'{text}' is not a unified social credit code: 18 digits and capital letters (no I, O, S, V, Z)", problem);
        Assert.Equal(default, code);
    }

    [Fact]
    public void No_code_at_all_is_refused_with_the_rule()
    {
        Assert.False(CreditCode.TryParse(null, out _, out var problem));

        Assert.Equal("'' is not a unified social credit code: 18 digits and capital letters (no I, O, S, V, Z)", problem);
    }
}
