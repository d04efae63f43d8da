using NodaTime;
using PdfSharp.Drawing;
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
    }

    [Fact]
    public void Every_ideograph_of_the_basic_plane_is_in_one_font_or_the_other()
    {
        // Extension A (U+3400–4DBF, with U+4DB6–4DBF added in Unicode 13) and the Unified Ideographs
        // (U+4E00–9FFF, up to U+9FFF added in Unicode 14): the 2017 HanaMin lacks the newest, Jigmo has them.
        var blocks = Enumerable.Range(0x3400, 0x4DBF - 0x3400 + 1).Concat(Enumerable.Range(0x4E00, 0x9FFF - 0x4E00 + 1));

        Assert.All(blocks, c => Assert.True(StatementFonts.MainCoverage.Has(c) || StatementFonts.FallbackCoverage.Has(c), $"U+{c:X}"));
    }

    [Fact]
    public void Characters_beyond_the_old_name_lists_read_back_in_the_fallback_face()
    {
        // 䶶 U+4DB6 is Extension A from Unicode 13; 𢗖 U+225D6 is Extension B in GB 7589 (G3), in no
        // name list; 𫝋 U+2B74B is Extension D from the Ministry of Public Security's ID card system (GIDC).
        const string name = "王䶶𢗖𫝋堃";
        var pdf = RenderStatement(name);

        Assert.All(new[] { 0x4DB6, 0x225D6, 0x2B74B }, c => Assert.False(StatementFonts.MainCoverage.Has(c), $"U+{c:X}"));

        var shown = RareNames.AssertDrawnWithFallback(pdf, $"业主：{name}");
        Assert.Equal(3, shown.Count(l => l.FontName?.Contains("HanaMin Fallback", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Text_is_split_into_runs_by_glyph_availability_keeping_surrogate_pairs_whole()
    {
        var runs = FallbackText.Runs(RareName);

        Assert.Equal([InMain("王"), InFallback("䶮㛃𠮷𡒄"), InMain("堃")], runs);
        Assert.Equal([InMain("业主：王芳")], FallbackText.Runs("业主：王芳"));
    }

    [Fact]
    public void A_character_no_font_has_is_a_missing_run_of_its_own()
    {
        // U+E000 is a private-use code point and 𰀀 U+30000 is in Extension G: no shipped font draws them.
        Assert.All(new[] { 0xE000, 0x30000 }, c => Assert.False(StatementFonts.MainCoverage.Has(c) || StatementFonts.FallbackCoverage.Has(c), $"U+{c:X}"));

        Assert.Equal([InMain("王"), AsMissing("\uE000𰀀"), InFallback("𠮷"), InMain("堃")], FallbackText.Runs("王\uE000𰀀𠮷堃"));
    }

    [Fact]
    public void A_line_break_becomes_a_space_and_a_variation_selector_is_left_out_instead_of_boxes()
    {
        // U+E0100 selects a glyph variant of 葛; no shipped font has variants, so the plain 葛 is drawn.
        Assert.Equal([InMain("换水管 王芳家葛")], FallbackText.Runs("换水管\n王芳家葛\U000E0100"));
    }

    [Fact]
    public void Wrapping_measures_as_drawn_and_never_splits_a_surrogate_pair()
    {
        using var gfx = XGraphics.CreateMeasureContext(new XSize(595, 842), XGraphicsUnit.Point, XPageDirection.Downwards);
        var font = PdfText.Font(10);
        var text = string.Concat(Enumerable.Repeat("车位𠮷𡒄-01", 12));

        var lines = gfx.Wrap(text, font, 95);

        Assert.True(lines.Count > 3, $"{lines.Count} lines");
        Assert.Equal(text, string.Concat(lines));
        Assert.All(lines, line =>
        {
            Assert.False(char.IsLowSurrogate(line[0]) || char.IsHighSurrogate(line[^1]), line);
            Assert.InRange(gfx.MeasureText(line, font), 1, 95);
        });
    }

    [Fact]
    public void A_statement_draws_a_character_no_font_has_as_a_visible_mark_and_keeps_it_as_the_text()
    {
        const string name = "王\uE000𰀀堃";
        var pdf = RenderStatement(name);

        var letters = PdfReadBack.Letters(pdf);
        var text = string.Concat(letters.Select(l => l.Value));
        Assert.Contains($"业主：王{FallbackText.MissingMark}{FallbackText.MissingMark}堃", text, StringComparison.Ordinal);
        Assert.All(letters.Where(l => l.Value == FallbackText.MissingMark), l => Assert.Matches(RareNames.MainFace, l.FontName));

        // What a reader copies, searches and reads out: the replacement text, which is the name as registered.
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        var span = Assert.Single(document.GetPage(1).GetMarkedContents(), m => m.ActualText is not null);
        Assert.Equal("\uE000𰀀", span.ActualText);
        Assert.Equal(FallbackText.MissingMark + FallbackText.MissingMark, string.Concat(span.Letters.Select(l => l.Value)));
    }

    [Fact]
    public void A_statement_for_an_owner_with_extension_A_and_B_characters_draws_them_in_the_fallback_font()
    {
        var pdf = RenderStatement(RareName);
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

    [Fact]
    public void A_character_outside_everyday_Chinese_is_drawn_from_the_whole_WenQuanYi_font()
    {
        // 龍 (traditional 龙) is in neither GB 2312 nor the 通用规范汉字表, so not in the common face.
        Assert.False(StatementFonts.CommonCoverage.Has('龍'));
        Assert.True(StatementFonts.MainCoverage.Has('龍'));
        Assert.Equal([InMain("李"), new FallbackText.Run("龍", FallbackText.Face.Full), InFallback("𠮷")], FallbackText.Runs("李龍𠮷"));
    }

    [Fact]
    public void A_statement_draws_a_traditional_character_from_the_whole_font_and_the_rest_from_the_common_face()
    {
        var letters = PdfReadBack.Letters(RenderStatement("李龍"));

        Assert.Contains("业主：李龍", string.Concat(letters.Select(l => l.Value)), StringComparison.Ordinal);
        Assert.Matches("^[A-Z]{6}\\+WenQuanYi Micro Hei$", Assert.Single(letters, l => l.Value == "龍").FontName);
        Assert.Matches("^[A-Z]{6}\\+WenQuanYi Micro Hei Common$", letters.First(l => l.Value == "李").FontName);
    }

    private static FallbackText.Run InMain(string text) => new(text, FallbackText.Face.Main);

    private static FallbackText.Run InFallback(string text) => new(text, FallbackText.Face.Fallback);

    private static FallbackText.Run AsMissing(string text) => new(text, FallbackText.Face.Missing);

    private static byte[] RenderStatement(string owner)
    {
        var details = Timeline<HouseholdDetails>.Always(new HouseholdDetails("1", "1", "101", new SquareMetres(80m), owner));
        var household = TestRegister.Household(0m, details: details);
        var bill = BillingEngine.BillCommunity(TestRegister.Community(), [household], TestRegister.Catalog(TestRegister.Book()), new YearMonth(2026, 10), StatementCalendar.Default);
        return new StatementPdfRenderer().Render(Assert.Single(bill.Statements));
    }
}
