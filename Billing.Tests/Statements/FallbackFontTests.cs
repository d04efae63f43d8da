using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Statements;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Statements;

public class FallbackFontTests
{
    private const string RareName = RareNames.Owner;

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
            [new FallbackText.Run("王", false), new FallbackText.Run("䶮㛃𠮷𡒄", true), new FallbackText.Run("堃", false)],
            runs);
        Assert.Equal([new FallbackText.Run("业主：王芳", false)], FallbackText.Runs("业主：王芳"));
    }

    [Fact]
    public void A_character_no_font_has_stays_with_the_main_font()
    {
        // U+E000 is a private-use code point: neither font draws it, so it is not moved to the fallback.
        Assert.Equal([new FallbackText.Run("王\uE000", false)], FallbackText.Runs("王\uE000"));
    }

    [Fact]
    public void A_statement_for_an_owner_with_extension_A_and_B_characters_draws_them_in_the_fallback_font()
    {
        var details = Timeline<HouseholdDetails>.Always(new HouseholdDetails("1", "1", "101", new SquareMetres(80m), RareName));
        var household = TestRegister.Household(0m, details: details);
        var bill = BillingEngine.BillCommunity(TestRegister.Community(), [household], TestRegister.Catalog(TestRegister.Book()), new YearMonth(2026, 10), StatementCalendar.Default);
        var pdf = new StatementPdfRenderer().Render(Assert.Single(bill.Statements));
        File.WriteAllBytes(Path.Combine(Path.GetTempPath(), "redproperty-rare-name-statement.pdf"), pdf);

        var shown = RareNames.AssertDrawnWithFallback(pdf, $"业主：{RareName}");

        // One line: the fallback characters sit on the main font's baseline, in order, without overlapping.
        var nameLetters = shown.Skip("业主：".Length).ToList();
        Assert.Equal(RareName, string.Concat(nameLetters.Select(l => l.Value)));
        Assert.All(nameLetters, l => Assert.Equal(nameLetters[0].StartBaseLine.Y, l.StartBaseLine.Y, 2));
        for (var i = 1; i < nameLetters.Count; i++)
        {
            Assert.True(nameLetters[i].StartBaseLine.X >= nameLetters[i - 1].EndBaseLine.X - 0.5, $"letter {i} overlaps the one before");
        }

        // Both faces are embedded as subsets, so the statement stays small.
        Assert.InRange(pdf.Length, 1_000, 200_000);
    }
}
