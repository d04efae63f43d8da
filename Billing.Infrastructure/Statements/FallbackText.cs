using System.Collections.Concurrent;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// Draws text whose characters the main font may lack, such as a resident's rare name character
/// (䶮 U+4DAE in Extension A, 𠮷 U+20BB7 in Extension B). PDFsharp has no font fallback and would
/// draw an empty box, so the text is split into runs by which font has each code point (surrogate
/// pairs kept whole) and each run is drawn in its own font on a shared baseline.
/// </summary>
public static class FallbackText
{
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private static readonly ConcurrentDictionary<(double Size, XFontStyleEx Style), XFont> FallbackFonts = new();
    private static readonly char[] SoftBreaks = [' ', '，', ',', '（'];

    /// <summary>A stretch of text drawn in one font.</summary>
    public readonly record struct Run(string Text, bool Fallback);

    /// <summary>
    /// Splits text into runs: a code point goes to the fallback font only when the main font has
    /// no glyph for it and the fallback has one; one neither has stays with the main font.
    /// </summary>
    public static IReadOnlyList<Run> Runs(string text)
    {
        var main = StatementFonts.MainCoverage;
        var fallback = StatementFonts.FallbackCoverage;
        var runs = new List<Run>();
        var current = new StringBuilder();
        var inFallback = false;
        foreach (var rune in text.EnumerateRunes())
        {
            var useFallback = !main.Has(rune.Value) && fallback.Has(rune.Value);
            if (useFallback != inFallback && current.Length > 0)
            {
                runs.Add(new Run(current.ToString(), inFallback));
                current.Clear();
            }

            inFallback = useFallback;
            current.Append(rune.ToString());
        }

        if (current.Length > 0)
        {
            runs.Add(new Run(current.ToString(), inFallback));
        }

        return runs;
    }

    public static void DrawText(this XGraphics gfx, string text, XFont font, XBrush brush, double x, double y, XStringFormat format) =>
        gfx.DrawText(text, font, brush, new XRect(x, y, 0, 0), format);

    /// <summary>Like <see cref="XGraphics.DrawString(string, XFont, XBrush, XRect, XStringFormat)"/>, with fallback.</summary>
    public static void DrawText(this XGraphics gfx, string text, XFont font, XBrush brush, XRect rect, XStringFormat format)
    {
        var runs = Runs(text);
        if (gfx.PdfPage?.Owner is { } document && text.EnumerateRunes().Any(c => !c.IsBmp))
        {
            ToUnicodeRepair.Mark(document);
        }

        if (runs.Count <= 1 && (runs.Count == 0 || !runs[0].Fallback))
        {
            // Nothing to fall back for: exactly what PDFsharp would draw.
            gfx.DrawString(text, font, brush, rect, format);
            return;
        }

        var fonts = runs.Select(r => r.Fallback ? FallbackOf(font) : font).ToList();
        var widths = runs.Select((r, i) => gfx.MeasureString(r.Text, fonts[i], XStringFormats.Default).Width).ToList();
        var x = format.Alignment switch
        {
            XStringAlignment.Center => rect.X + ((rect.Width - widths.Sum()) / 2),
            XStringAlignment.Far => rect.X + rect.Width - widths.Sum(),
            _ => rect.X,
        };

        var baseline = Baseline(font, rect, format.LineAlignment);
        for (var i = 0; i < runs.Count; i++)
        {
            gfx.DrawString(runs[i].Text, fonts[i], brush, x, baseline, XStringFormats.BaseLineLeft);
            x += widths[i];
        }
    }

    /// <summary>The width of the text as <see cref="DrawText(XGraphics, string, XFont, XBrush, XRect, XStringFormat)"/> draws it.</summary>
    public static double MeasureText(this XGraphics gfx, string text, XFont font) =>
        Runs(text).Sum(r => gfx.MeasureString(r.Text, r.Fallback ? FallbackOf(font) : font, XStringFormats.Default).Width);

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

            var cut = ends[0];
            for (var i = 1; i < ends.Count && gfx.MeasureText(rest[..ends[i]], font) <= width; i++)
            {
                cut = ends[i];
            }

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

    /// <summary>The fallback face at the size and style of <paramref name="font"/> (bold is simulated, as for the main face).</summary>
    public static XFont FallbackOf(XFont font) =>
        FallbackFonts.GetOrAdd((font.Size, font.Style), key => new XFont(StatementFonts.FallbackFamily, key.Size, key.Style, Unicode));

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
