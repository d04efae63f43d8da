using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Statements;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Statements;

public class FallbackFontTests
{
    // 䶮 U+4DAE and 㛃 U+36C3 are in CJK Extension A, 𠮷 U+20BB7 and 𡒄 U+21484 in Extension B
    // (surrogate pairs in C#); 堃 is in the main font already.
    private const string RareName = "王䶮㛃𠮷𡒄堃";

    [Fact]
    public void The_main_font_lacks_the_rare_name_characters_and_the_fallback_has_them()
    {
        foreach (var codePoint in new[] { 0x4DAE, 0x36C3, 0x20BB7, 0x21484 })
        {
            Assert.False(StatementFonts.MainCoverage.Has(codePoint), $"U+{codePoint:X} is in the main font");
            Assert.True(StatementFonts.FallbackCoverage.Has(codePoint), $"U+{codePoint:X} is not in the fallback font");
        }

        Assert.True(StatementFonts.MainCoverage.Has('堃'));
        Assert.True(StatementFonts.MainCoverage.Has('王'));
        // Extension A as encoded up to Unicode 12 (U+3400–4DB5) is covered by one font or the other;
        // the ten code points added in Unicode 13 (U+4DB6–4DBF) are newer than the 2017 HanaMin.
        Assert.All(Enumerable.Range(0x3400, 0x4DB5 - 0x3400 + 1), c => Assert.True(StatementFonts.MainCoverage.Has(c) || StatementFonts.FallbackCoverage.Has(c), $"U+{c:X}"));
    }

    [Fact]
    public void Text_is_split_into_runs_by_glyph_availability_keeping_surrogate_pairs_whole()
    {
        var runs = FallbackText.Runs(RareName);

        Assert.Equal(
            [new FallbackText.Run("王", TextFace.Common), new FallbackText.Run("䶮㛃𠮷𡒄", TextFace.Fallback), new FallbackText.Run("堃", TextFace.Common)],
            runs);
        Assert.Equal([new FallbackText.Run("业主：王芳", TextFace.Common)], FallbackText.Runs("业主：王芳"));
    }

    [Fact]
    public void A_character_outside_everyday_Chinese_is_drawn_from_the_whole_WenQuanYi_font()
    {
        // 龍 (traditional 龙) is in neither GB 2312 nor the 通用规范汉字表, so not in the common face.
        Assert.False(StatementFonts.Coverage(TextFace.Common).Has('龍'));
        Assert.Equal(
            [new FallbackText.Run("李", TextFace.Common), new FallbackText.Run("龍", TextFace.Full), new FallbackText.Run("𠮷", TextFace.Fallback)],
            FallbackText.Runs("李龍𠮷"));
    }

    [Fact]
    public void A_statement_draws_a_traditional_character_from_the_whole_font_and_the_rest_from_the_common_face()
    {
        var pdf = new StatementPdfRenderer().Render(StatementFor("李龍"));

        using var document = PdfDocument.Open(pdf);
        var letters = document.GetPage(1).Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        Assert.Contains("业主：李龍", string.Concat(letters.Select(l => l.Value)), StringComparison.Ordinal);
        Assert.Matches("^[A-Z]{6}\\+WenQuanYi Micro Hei$", Assert.Single(letters, l => l.Value == "龍").FontName);
        Assert.Matches("^[A-Z]{6}\\+WenQuanYi Micro Hei Common$", letters.First(l => l.Value == "李").FontName);
    }

    [Fact]
    public void A_character_no_font_has_stays_with_the_main_font()
    {
        // U+E000 is a private-use code point: neither font draws it, so it is not moved to the fallback.
        Assert.Equal([new FallbackText.Run("王\uE000", TextFace.Common)], FallbackText.Runs("王\uE000"));
    }

    [Fact]
    public void A_statement_for_an_owner_with_extension_A_and_B_characters_draws_them_in_the_fallback_font()
    {
        var pdf = new StatementPdfRenderer().Render(StatementFor(RareName));
        File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "redproperty-rare-name-statement.pdf"), pdf);

        using var document = PdfDocument.Open(pdf);
        var letters = document.GetPage(1).Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        var text = string.Concat(letters.Select(l => l.Value));

        Assert.Contains($"业主：{RareName}", text, StringComparison.Ordinal);
        foreach (var rare in new[] { "䶮", "㛃", "𠮷", "𡒄" })
        {
            var letter = Assert.Single(letters, l => l.Value == rare);
            Assert.Matches("^[A-Z]{6}\\+HanaMin Fallback", letter.FontName);
        }

        var wang = letters.Single(l => l.Value == "王");
        var kun = letters.Single(l => l.Value == "堃");
        Assert.Matches("^[A-Z]{6}\\+WenQuanYi Micro Hei Common$", wang.FontName);
        Assert.Matches("^[A-Z]{6}\\+WenQuanYi Micro Hei Common$", kun.FontName);

        // One line: the fallback characters sit on the main font's baseline, in order, without overlapping.
        var nameLetters = letters.SkipWhile(l => l != wang).Take(6).ToList();
        Assert.All(nameLetters, l => Assert.Equal(wang.StartBaseLine.Y, l.StartBaseLine.Y, 2));
        for (var i = 1; i < nameLetters.Count; i++)
        {
            Assert.True(nameLetters[i].StartBaseLine.X >= nameLetters[i - 1].EndBaseLine.X - 0.5, $"letter {i} overlaps the one before");
        }

        // Both faces are embedded as subsets, so the statement stays small.
        Assert.InRange(pdf.Length, 1_000, 200_000);
    }

    private static StatementModel StatementFor(string owner)
    {
        var details = Timeline<HouseholdDetails>.Always(new HouseholdDetails("1", "1", "101", new SquareMetres(80m), owner));
        var household = TestRegister.Household(0m, details: details);
        var bill = BillingEngine.BillCommunity(TestRegister.Community(), [household], TestRegister.Catalog(TestRegister.Book()), new YearMonth(2026, 10), StatementCalendar.Default);
        return Assert.Single(bill.Statements);
    }
}
