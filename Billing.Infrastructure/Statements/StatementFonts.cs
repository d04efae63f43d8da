using PdfSharp;
using PdfSharp.Fonts;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// PDFsharp set-up, done once per process: the AGPL licence choice (this project is AGPL-3.0)
/// and a font resolver that serves the WenQuanYi Micro Hei face shipped in fonts/, so every
/// machine draws the same statement whatever fonts it has installed.
/// </summary>
public static class StatementFonts
{
    public const string Family = "WenQuanYi Micro Hei";

    private static readonly Lock Gate = new();
    private static bool _configured;

    public static void EnsureConfigured()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            PdfSharpLicense.SetAgplLicense();
            GlobalFontSettings.FontResolver = new ShippedFontResolver(LoadFace());
            _configured = true;
        }
    }

    private static byte[] LoadFace()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fonts", "wqy-microhei.ttf");
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"The statement font is missing from the build output: {path}. It is copied from fonts/ in the repository.", path);
    }

    private sealed class ShippedFontResolver(byte[] face) : IFontResolver
    {
        private const string FaceName = "wqy-microhei";

        // The family has one face; bold and italic are simulated so headings still stand out.
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
            new(FaceName, bold, italic);

        public byte[] GetFont(string faceName) => face;
    }
}
