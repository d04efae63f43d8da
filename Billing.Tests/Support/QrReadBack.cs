using UglyToad.PdfPig;
using ZXing;
using ZXing.Common;
using ZXing.QrCode;

namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// Reads a QR code back from a PDF page the way a phone would: the filled shapes PdfPig finds on
/// the page are painted onto a bitmap and ZXing decodes it. Nothing from the code that drew the
/// QR is used, so a wrong or unreadable code fails the test.
/// </summary>
public static class QrReadBack
{
    private const double PixelsPerPoint = 6;
    private const double MarginPoints = 12;

    public static string? Decode(byte[] pdf, int pageNumber = 1)
    {
        using var document = PdfDocument.Open(pdf);
        var page = document.GetPage(pageNumber);
        var boxes = page.Paths.Where(p => p.IsFilled).Select(p => p.GetBoundingRectangle()).OfType<UglyToad.PdfPig.Core.PdfRectangle>().ToList();
        if (boxes.Count == 0)
        {
            return null;
        }

        var (left, bottom) = (boxes.Min(b => b.Left) - MarginPoints, boxes.Min(b => b.Bottom) - MarginPoints);
        var (right, top) = (boxes.Max(b => b.Right) + MarginPoints, boxes.Max(b => b.Top) + MarginPoints);
        var width = (int)Math.Ceiling((right - left) * PixelsPerPoint);
        var height = (int)Math.Ceiling((top - bottom) * PixelsPerPoint);
        var pixels = Enumerable.Repeat((byte)255, width * height).ToArray();
        foreach (var b in boxes)
        {
            // PDF y grows upwards, bitmap rows downwards.
            var x0 = (int)Math.Round((b.Left - left) * PixelsPerPoint);
            var x1 = (int)Math.Round((b.Right - left) * PixelsPerPoint);
            var y0 = (int)Math.Round((top - b.Top) * PixelsPerPoint);
            var y1 = (int)Math.Round((top - b.Bottom) * PixelsPerPoint);
            for (var y = Math.Max(0, y0); y < Math.Min(height, y1); y++)
            {
                Array.Fill(pixels, (byte)0, (y * width) + Math.Max(0, x0), Math.Max(0, Math.Min(width, x1) - Math.Max(0, x0)));
            }
        }

        var source = new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8);
        var hints = new Dictionary<DecodeHintType, object> { [DecodeHintType.TRY_HARDER] = true };
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source)), hints)?.Text;
    }
}
