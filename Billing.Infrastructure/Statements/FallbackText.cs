using System.Collections.Concurrent;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// Draws text whose characters the everyday face may lack: a less common character (drawn from
/// the whole WenQuanYi font) or a resident's rare name character (䶮 U+4DAE in Extension A, 𠮷
/// U+20BB7 in Extension B, drawn from the HanaMin fallback). PDFsharp has no font fallback and
/// would draw an empty box, so the text is split into runs by the first face (in
/// <see cref="TextFace"/> order) that has each code point, surrogate pairs kept whole, and each
/// run is drawn in its own face on a shared baseline.
/// </summary>
public static class FallbackText
{
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private static readonly ConcurrentDictionary<(TextFace Face, double Size, XFontStyleEx Style), XFont> Fonts = new();

    /// <summary>A stretch of text drawn in one face.</summary>
    public readonly record struct Run(string Text, TextFace Face);

    /// <summary>
    /// Splits text into runs: a code point goes to the first face that has a glyph for it; one no
    /// face has stays with the common face.
    /// </summary>
    public static IReadOnlyList<Run> Runs(string text)
    {
        var runs = new List<Run>();
        var current = new StringBuilder();
        var face = TextFace.Common;
        foreach (var rune in text.EnumerateRunes())
        {
            var runeFace = FaceFor(rune.Value);
            if (runeFace != face && current.Length > 0)
            {
                runs.Add(new Run(current.ToString(), face));
                current.Clear();
            }

            face = runeFace;
            current.Append(rune.ToString());
        }

        if (current.Length > 0)
        {
            runs.Add(new Run(current.ToString(), face));
        }

        return runs;
    }

    private static TextFace FaceFor(int codePoint)
    {
        foreach (var face in (ReadOnlySpan<TextFace>)[TextFace.Common, TextFace.Full, TextFace.Fallback])
        {
            if (StatementFonts.Coverage(face).Has(codePoint))
            {
                return face;
            }
        }

        return TextFace.Common;
    }

    public static void DrawText(this XGraphics gfx, string text, XFont font, XBrush brush, double x, double y, XStringFormat format) =>
        gfx.DrawText(text, font, brush, new XRect(x, y, 0, 0), format);

    /// <summary>Like <see cref="XGraphics.DrawString(string, XFont, XBrush, XRect, XStringFormat)"/>, with fallback.</summary>
    public static void DrawText(this XGraphics gfx, string text, XFont font, XBrush brush, XRect rect, XStringFormat format)
    {
        var runs = Runs(text);
        if (runs.Count == 0 || (runs.Count == 1 && runs[0].Face == TextFace.Common))
        {
            // Nothing to fall back for: exactly what PDFsharp would draw.
            gfx.DrawString(text, font, brush, rect, format);
            return;
        }

        var fonts = runs.Select(r => FaceOf(font, r.Face)).ToList();
        var widths = runs.Select((r, i) => gfx.MeasureString(r.Text, fonts[i], XStringFormats.Default).Width).ToList();
        var x = format.Alignment switch
        {
            XStringAlignment.Center => rect.X + ((rect.Width - widths.Sum()) / 2),
            XStringAlignment.Far => rect.X + rect.Width - widths.Sum(),
            _ => rect.X,
        };

        if (gfx.PdfPage?.Owner is { } document && runs.Any(r => r.Face != TextFace.Common && r.Text.EnumerateRunes().Any(c => !c.IsBmp)))
        {
            ToUnicodeRepair.Mark(document);
        }

        var baseline = Baseline(font, rect, format.LineAlignment);
        for (var i = 0; i < runs.Count; i++)
        {
            gfx.DrawString(runs[i].Text, fonts[i], brush, x, baseline, XStringFormats.BaseLineLeft);
            x += widths[i];
        }
    }

    /// <summary>The width of the text as <see cref="DrawText(XGraphics, string, XFont, XBrush, XRect, XStringFormat)"/> draws it.</summary>
    public static double MeasureText(this XGraphics gfx, string text, XFont font) =>
        Runs(text).Sum(r => gfx.MeasureString(r.Text, FaceOf(font, r.Face), XStringFormats.Default).Width);

    /// <summary>The fallback face at the size and style of <paramref name="font"/> (bold is simulated, as for the main face).</summary>
    public static XFont FallbackOf(XFont font) => FaceOf(font, TextFace.Fallback);

    /// <summary><paramref name="font"/>'s size and style in another face (bold is simulated in every face).</summary>
    public static XFont FaceOf(XFont font, TextFace face) =>
        face == TextFace.Common
            ? font
            : Fonts.GetOrAdd((face, font.Size, font.Style), key => new XFont(StatementFonts.FamilyOf(key.Face), key.Size, key.Style, Unicode));
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
