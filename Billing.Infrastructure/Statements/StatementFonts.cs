using PdfSharp;
using PdfSharp.Fonts;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// PDFsharp set-up, done once per process: the AGPL licence choice (this project is AGPL-3.0)
/// and a font resolver that serves the faces shipped in fonts/, so every machine draws the same
/// statement whatever fonts it has installed: WenQuanYi Micro Hei for the text, and a subset of
/// HanaMin and Jigmo for the rare name characters (CJK Extensions A to H) WenQuanYi lacks.
/// </summary>
public static class StatementFonts
{
    public const string Family = "WenQuanYi Micro Hei";

    /// <summary>The family <see cref="FallbackText"/> draws a character in when <see cref="Family"/> has no glyph for it.</summary>
    public const string FallbackFamily = "HanaMin Fallback";

    private const string MainFile = "wqy-microhei.ttf";
    private const string FallbackFile = "hanamin-fallback.ttf";

    private static readonly Lock Gate = new();
    private static bool _configured;
    private static FontCoverage? _main;
    private static FontCoverage? _fallback;

    public static void EnsureConfigured()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            PdfSharpLicense.SetAgplLicense();
            var main = LoadFace(MainFile);
            var fallback = LoadFace(FallbackFile);
            _main = FontCoverage.Read(main);
            _fallback = FontCoverage.Read(fallback);
            GlobalFontSettings.FontResolver = new ShippedFontResolver(main, fallback);
            _configured = true;
        }
    }

    /// <summary>The code points the main font has glyphs for.</summary>
    public static FontCoverage MainCoverage
    {
        get
        {
            EnsureConfigured();
            return _main!;
        }
    }

    /// <summary>The code points the fallback font has glyphs for.</summary>
    public static FontCoverage FallbackCoverage
    {
        get
        {
            EnsureConfigured();
            return _fallback!;
        }
    }

    private static byte[] LoadFace(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fonts", file);
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"A statement font is missing from the build output: {path}. It is copied from fonts/ in the repository.", path);
    }

    private sealed class ShippedFontResolver(byte[] main, byte[] fallback) : IFontResolver
    {
        private const string MainFace = "wqy-microhei";
        private const string FallbackFace = "hanamin-fallback";

        // Each family has one face; bold and italic are simulated so headings still stand out.
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(string.Equals(familyName, FallbackFamily, StringComparison.OrdinalIgnoreCase) ? FallbackFace : MainFace, bold, italic);

        public byte[] GetFont(string faceName) => faceName == FallbackFace ? fallback : main;
    }
}
