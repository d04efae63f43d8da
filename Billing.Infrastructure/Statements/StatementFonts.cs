using PdfSharp;
using PdfSharp.Fonts;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>The faces text is drawn in, in the order they are tried for a character.</summary>
public enum TextFace
{
    /// <summary>WenQuanYi Micro Hei cut down to everyday Chinese (GB 2312 and the 通用规范汉字表), Latin and punctuation.</summary>
    Common,

    /// <summary>The whole of WenQuanYi Micro Hei, for the less common characters the common face lacks.</summary>
    Full,

    /// <summary>The HanaMin subset, for rare name characters (CJK Extension A and B) WenQuanYi lacks.</summary>
    Fallback,
}

/// <summary>
/// PDFsharp set-up, done once per process: the AGPL licence choice (this project is AGPL-3.0)
/// and a font resolver that serves the faces shipped in fonts/, so every machine draws the same
/// statement whatever fonts it has installed.
/// </summary>
/// <remarks>
/// Why three faces: PDFsharp embeds a font's whole glyph-offset and metrics tables (one entry per
/// glyph of the font) with every document, however few glyphs it uses, and compresses them each
/// time. For the 49,531 glyphs of WenQuanYi that was two thirds of a statement's rendering time
/// and 40 KB of every file. Nearly every statement needs only everyday characters, so they are
/// drawn from a 9,428-glyph cut of the same design; the full font and the fallback are embedded
/// only in the statements that need them (BENCHMARKS.md has the figures).
/// </remarks>
public static class StatementFonts
{
    /// <summary>The family documents ask for; it resolves to the common face.</summary>
    public const string Family = "WenQuanYi Micro Hei";

    /// <summary>The family of the whole WenQuanYi font, used by <see cref="FallbackText"/> for characters the common face lacks.</summary>
    public const string FullFamily = "WenQuanYi Micro Hei Full";

    /// <summary>The family <see cref="FallbackText"/> draws a character in when neither WenQuanYi face has a glyph for it.</summary>
    public const string FallbackFamily = "HanaMin Fallback";

    private static readonly Lock Gate = new();
    private static bool _configured;
    private static FontCoverage[] _coverage = [];

    public static void EnsureConfigured()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            PdfSharpLicense.SetAgplLicense();
            var faces = new[] { LoadFace("wqy-microhei-common.ttf"), LoadFace("wqy-microhei.ttf"), LoadFace("hanamin-fallback.ttf") };
            _coverage = [.. faces.Select(f => FontCoverage.Read(f))];
            GlobalFontSettings.FontResolver = new ShippedFontResolver(faces);
            _configured = true;
        }
    }

    /// <summary>The code points a face has glyphs for.</summary>
    public static FontCoverage Coverage(TextFace face)
    {
        EnsureConfigured();
        return _coverage[(int)face];
    }

    /// <summary>The code points the whole WenQuanYi font has glyphs for.</summary>
    public static FontCoverage MainCoverage => Coverage(TextFace.Full);

    /// <summary>The code points the fallback font has glyphs for.</summary>
    public static FontCoverage FallbackCoverage => Coverage(TextFace.Fallback);

    /// <summary>The family that draws in a face.</summary>
    public static string FamilyOf(TextFace face) => face switch
    {
        TextFace.Full => FullFamily,
        TextFace.Fallback => FallbackFamily,
        _ => Family,
    };

    private static byte[] LoadFace(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fonts", file);
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"A statement font is missing from the build output: {path}. It is copied from fonts/ in the repository.", path);
    }

    private sealed class ShippedFontResolver(byte[][] faces) : IFontResolver
    {
        private static readonly string[] FaceNames = ["wqy-microhei-common", "wqy-microhei", "hanamin-fallback"];

        // Each family has one face; bold and italic are simulated so headings still stand out.
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic)
        {
            var face = string.Equals(familyName, FallbackFamily, StringComparison.OrdinalIgnoreCase) ? TextFace.Fallback
                : string.Equals(familyName, FullFamily, StringComparison.OrdinalIgnoreCase) ? TextFace.Full
                : TextFace.Common;
            return new FontResolverInfo(FaceNames[(int)face], bold, italic);
        }

        public byte[] GetFont(string faceName) => faces[Array.IndexOf(FaceNames, faceName) is var i and >= 0 ? i : 0];
    }
}
