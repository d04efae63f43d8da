using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// Text styles for every document we print (receipts, notices, reports), in the shipped font with
/// Unicode encoding, so Chinese both renders and can be copied or read back from the PDF.
/// </summary>
public static class PdfText
{
    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);

    public static XFont Font(double size, bool bold = false)
    {
        StatementFonts.EnsureConfigured();
        return new XFont(StatementFonts.Family, size, bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, Unicode);
    }

    public static byte[] Save(PdfDocument document) => Save(document, repair: true);

    internal static byte[] Save(PdfDocument document, bool repair)
    {
        CompactText.Finish(document);
        using var stream = new MemoryStream(32 * 1024);
        document.Save(stream, closeStream: false);
        var pdf = stream.ToArray();
        return repair && ToUnicodeRepair.IsNeeded(document) ? ToUnicodeRepair.Repair(pdf) : pdf;
    }
}
