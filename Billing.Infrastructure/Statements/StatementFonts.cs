using PdfSharp;
using PdfSharp.Fonts;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// PDFsharp set-up, done once per process: the AGPL licence choice (this project is AGPL-3.0)
/// and a font resolver that serves the faces shipped in fonts/, so every machine draws the same
/// statement whatever fonts it has installed: WenQuanYi Micro Hei for the text, and a subset of
/// HanaMin and Jigmo for the rare name characters (CJK Extensions A to H) WenQuanYi lacks.
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
    private static byte[] _commonFace = [];

    // The order of the files, of their coverage and of the resolver's face names.
    private const int Common = 0, Full = 1, Fallback = 2;

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
            _commonFace = faces[Common];
            GlobalFontSettings.FontResolver = new ShippedFontResolver(faces);
            _configured = true;
        }
    }

    /// <summary>The code points the common face (<see cref="Family"/>) has glyphs for.</summary>
    public static FontCoverage CommonCoverage => Coverage(Common);

    /// <summary>The code points the whole WenQuanYi font has glyphs for.</summary>
    public static FontCoverage MainCoverage => Coverage(Full);

    /// <summary>The code points the fallback font has glyphs for.</summary>
    public static FontCoverage FallbackCoverage => Coverage(Fallback);

    /// <summary>The common face's file, which <see cref="CompactFace"/> subsets itself.</summary>
    internal static byte[] CommonFaceBytes
    {
        get
        {
            EnsureConfigured();
            return _commonFace;
        }
    }

    private static FontCoverage Coverage(int face)
    {
        EnsureConfigured();
        return _coverage[face];
    }

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
            var face = string.Equals(familyName, FallbackFamily, StringComparison.OrdinalIgnoreCase) ? Fallback
                : string.Equals(familyName, FullFamily, StringComparison.OrdinalIgnoreCase) ? Full
                : Common;
            return new FontResolverInfo(FaceNames[face], bold, italic);
        }

        public byte[] GetFont(string faceName) => faces[Array.IndexOf(FaceNames, faceName) is var i and >= 0 ? i : 0];
    }
}
