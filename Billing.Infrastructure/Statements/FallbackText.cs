using System.Collections.Concurrent;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// Draws text whose characters the everyday face may lack: a less common character (drawn from
/// the whole WenQuanYi font) or a resident's rare name character (䶮 U+4DAE in Extension A, 𠮷
/// U+20BB7 in Extension B, drawn from the fallback font). PDFsharp has no font fallback and would
/// draw an empty box, so the text is split into runs by the first face that has each code point
/// (surrogate pairs kept whole) and each run is drawn in its own font on a shared baseline. A character no
/// shipped font has is drawn as 〓 (the typesetter's mark for a missing character) and the run
/// carries the real characters as the PDF's replacement text, so it is visibly not silently lost
/// and still copies, searches and reads aloud as typed.
/// </summary>
public static class FallbackText
{
    /// <summary>GETA MARK U+3013, drawn once per character that no shipped font has.</summary>
    public const string MissingMark = "〓";

    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private static readonly ConcurrentDictionary<(string Family, double Size, XFontStyleEx Style), XFont> Fonts = new();
    private static readonly char[] SoftBreaks = [' ', '，', ',', '（'];

    // Unicode's Default_Ignorable_Code_Point (15.0): variation selectors, joiners, bidi controls and
    // the like, which a font need not have; drawn, a font without them would show an empty box.
    private static readonly (int First, int Last)[] Ignorable =
    [
        (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
        (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
    ];

    /// <summary>Which face draws a run.</summary>
    public enum Face
    {
        /// <summary>The common face (everyday Chinese, Latin, punctuation) has every character of the run.</summary>
        Main,

        /// <summary>The common face lacks the run's characters and the whole WenQuanYi font has them.</summary>
        Full,

        /// <summary>WenQuanYi lacks the run's characters and the fallback font has them.</summary>
        Fallback,

        /// <summary>No shipped font has the run's characters: each is drawn as <see cref="MissingMark"/>.</summary>
        Missing,
    }

    /// <summary>A stretch of text drawn in one face.</summary>
    public readonly record struct Run(string Text, Face Face);

    /// <summary>
    /// Splits text into runs: a code point goes to the common face when it has a glyph for it, else
    /// to the whole WenQuanYi font, else to the fallback font, else it is missing. A control character the main
    /// font lacks (a line break in a description) becomes a space and an ignorable one (a
    /// variation selector after a name character) is left out, rather than drawn as a box.
    /// </summary>
    public static IReadOnlyList<Run> Runs(string text)
    {
        var common = StatementFonts.CommonCoverage;
        var full = StatementFonts.MainCoverage;
        var fallback = StatementFonts.FallbackCoverage;
        var runs = new List<Run>();
        var current = new StringBuilder();
        var face = Face.Main;
        foreach (var rune in text.EnumerateRunes())
        {
            var (shown, next) = common.Has(rune.Value) ? (rune, Face.Main)
                : full.Has(rune.Value) ? (rune, Face.Full)
                : fallback.Has(rune.Value) ? (rune, Face.Fallback)
                : Rune.IsControl(rune) ? (new Rune(' '), Face.Main)
                : IsIgnorable(rune.Value) ? (default(Rune?), face)
                : (rune, Face.Missing);
            if (shown is not { } drawn)
            {
                continue;
            }

            if (next != face && current.Length > 0)
            {
                runs.Add(new Run(current.ToString(), face));
                current.Clear();
            }

            face = next;
            current.Append(drawn.ToString());
        }

        if (current.Length > 0)
        {
            runs.Add(new Run(current.ToString(), face));
        }

        return runs;
    }

    public static void DrawText(this XGraphics gfx, string text, XFont font, XBrush brush, double x, double y, XStringFormat format) =>
        gfx.DrawText(text, font, brush, new XRect(x, y, 0, 0), format);

    /// <summary>Like <see cref="XGraphics.DrawString(string, XFont, XBrush, XRect, XStringFormat)"/>, with fallback.</summary>
    public static void DrawText(this XGraphics gfx, string text, XFont font, XBrush brush, XRect rect, XStringFormat format)
    {
        var compact = CompactText.Of(gfx);
        if (compact is not null && compact.CanDraw(text, font))
        {
            // Everyday text in a document with a compact font: nothing to fall back for.
            compact.Draw(gfx, text, font, brush, rect, format);
            return;
        }

        var runs = Runs(text);
        if (gfx.PdfPage?.Owner is { } document && text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF')
            && runs.Any(r => r.Face != Face.Missing && r.Text.EnumerateRunes().Any(c => !c.IsBmp)))
        {
            ToUnicodeRepair.Mark(document);
        }

        if (runs is [{ Face: Face.Main } only])
        {
            // Nothing to fall back for: exactly what PDFsharp would draw.
            gfx.DrawString(only.Text, font, brush, rect, format);
            return;
        }

        var shaped = runs.Select(r => Shape(r, font)).ToList();
        var widths = shaped.Select(s => Width(gfx, compact, s.Drawn, s.Font)).ToList();
        var x = format.Alignment switch
        {
            XStringAlignment.Center => rect.X + ((rect.Width - widths.Sum()) / 2),
            XStringAlignment.Far => rect.X + rect.Width - widths.Sum(),
            _ => rect.X,
        };

        var baseline = Baseline(font, rect, format.LineAlignment);
        for (var i = 0; i < runs.Count; i++)
        {
            var (drawn, runFont) = shaped[i];
            var at = x;
            void Draw()
            {
                if (compact is not null && compact.CanDraw(drawn, runFont))
                {
                    compact.DrawAt(gfx, drawn, runFont, brush, at, baseline);
                }
                else
                {
                    gfx.DrawString(drawn, runFont, brush, at, baseline, XStringFormats.BaseLineLeft);
                }
            }

            if (runs[i].Face == Face.Missing)
            {
                DrawReplaced(gfx, runs[i].Text, Draw);
            }
            else
            {
                Draw();
            }

            x += widths[i];
        }
    }

    /// <summary>The width of the text as <see cref="DrawText(XGraphics, string, XFont, XBrush, XRect, XStringFormat)"/> draws it.</summary>
    public static double MeasureText(this XGraphics gfx, string text, XFont font)
    {
        var compact = CompactText.Of(gfx);
        return compact is not null && compact.CanDraw(text, font)
            ? compact.Width(text, font)
            : Runs(text).Select(r => Shape(r, font)).Sum(s => Width(gfx, compact, s.Drawn, s.Font));
    }

    // The compact font measures as PDFsharp does, without PDFsharp's font lock.
    private static double Width(XGraphics gfx, CompactText? compact, string text, XFont font) =>
        compact is not null && compact.CanDraw(text, font) ? compact.Width(text, font) : gfx.MeasureString(text, font, XStringFormats.Default).Width;

    /// <summary>
    /// Splits text into lines that fit <paramref name="width"/> as <see cref="DrawText(XGraphics, string, XFont, XBrush, double, double, XStringFormat)"/>
    /// draws them. Chinese has no spaces to break at, so a line may end between any two characters
    /// (never inside a surrogate pair), but a space or comma near its end, or an opening bracket, is preferred.
    /// </summary>
    public static List<string> Wrap(this XGraphics gfx, string text, XFont font, double width)
    {
        var lines = new List<string>();
        var rest = text;
        while (gfx.MeasureText(rest, font) > width)
        {
            var ends = RuneEnds(rest);
            if (ends.Count < 2)
            {
                // One character wider than the column: it is drawn as it is rather than dropped.
                break;
            }

            // The longest run of whole characters that fits, found by halving: widths only grow with length.
            var (fits, tooLong) = (0, ends.Count - 1);
            while (tooLong - fits > 1)
            {
                var middle = (fits + tooLong) / 2;
                (fits, tooLong) = gfx.MeasureText(rest[..ends[middle]], font) <= width ? (middle, tooLong) : (fits, middle);
            }

            var cut = ends[fits];

            var soft = rest.LastIndexOfAny(SoftBreaks, cut - 1);
            if (soft > cut - 12 && soft > 0)
            {
                cut = rest[soft] == '（' ? soft : soft + 1;
            }

            lines.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }

        lines.Add(rest);
        return lines;
    }

    // Where each code point of the text ends, so a cut never separates a surrogate pair.
    private static List<int> RuneEnds(string text)
    {
        var ends = new List<int>();
        var at = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            at += rune.Utf16SequenceLength;
            ends.Add(at);
        }

        return ends;
    }

    private static bool IsIgnorable(int codePoint) => Ignorable.Any(r => codePoint >= r.First && codePoint <= r.Last);

    /// <summary>What is drawn for a run, and in which font.</summary>
    private static (string Drawn, XFont Font) Shape(Run run, XFont font) => run.Face switch
    {
        Face.Full => (run.Text, FaceOf(font, StatementFonts.FullFamily)),
        Face.Fallback => (run.Text, FallbackOf(font)),
        Face.Missing => (string.Concat(Enumerable.Repeat(MissingMark, run.Text.EnumerateRunes().Count())), font),
        _ => (run.Text, font),
    };

    /// <summary>
    /// Wraps what <paramref name="draw"/> draws in a marked-content span whose ActualText is
    /// <paramref name="actual"/> (ISO 32000-1, 14.9.4 "Replacement Text"): readers copy, search and
    /// read out that text instead of the marks drawn. PDFsharp has no call for it, so the operators
    /// go into its content stream directly; saving and restoring the graphics state first ends any
    /// text object PDFsharp left open, so the span holds whole text objects instead of crossing one.
    /// </summary>
    private static void DrawReplaced(XGraphics gfx, string actual, Action draw)
    {
        if (gfx.Internals.ContentStringBuilder is not { } content)
        {
            draw();
            return;
        }

        gfx.Restore(gfx.Save());
        content.Append("/Span<</ActualText<FEFF").Append(Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(actual))).Append(">>>BDC\n");
        draw();
        gfx.Restore(gfx.Save());
        content.Append("EMC\n");
    }

    /// <summary>The fallback face at the size and style of <paramref name="font"/> (bold is simulated, as for the main face).</summary>
    public static XFont FallbackOf(XFont font) => FaceOf(font, StatementFonts.FallbackFamily);

    private static XFont FaceOf(XFont font, string family) =>
        Fonts.GetOrAdd((family, font.Size, font.Style), key => new XFont(key.Family, key.Size, key.Style, Unicode));

    // The main font's line places the baseline, so a fallback run sits on the same line as the
    // text around it instead of on its own font's ascent. Mirrors how PDFsharp aligns a string.
    private static double Baseline(XFont font, XRect rect, XLineAlignment alignment)
    {
        var lineSpace = font.GetHeight();
        var ascent = lineSpace * font.CellAscent / font.CellSpace;
        var descent = lineSpace * font.CellDescent / font.CellSpace;
        return alignment switch
        {
            XLineAlignment.Near => rect.Y + ascent,
            XLineAlignment.Center => rect.Y + (rect.Height / 2) + ((ascent - descent) / 2),
            XLineAlignment.Far => rect.Y + rect.Height - descent,
            _ => rect.Y,
        };
    }
}
