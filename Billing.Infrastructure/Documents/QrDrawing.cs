using PdfSharp.Drawing;
using QRCoder;

namespace RedProperty.Billing.Infrastructure.Documents;

/// <summary>
/// Draws a QR code as filled vector rectangles (one per run of dark modules in a row), so it stays
/// sharp at any zoom or print size and adds a few hundred bytes instead of an image.
/// </summary>
public static class QrDrawing
{
    /// <summary>Draws <paramref name="payload"/> in a square of <paramref name="size"/> points, quiet zone included.</summary>
    public static void Draw(XGraphics gfx, string payload, double x, double y, double size)
    {
        using var data = QRCodeGenerator.GenerateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var modules = matrix.Count;
        var cell = size / modules;
        for (var row = 0; row < modules; row++)
        {
            var bits = matrix[row];
            var col = 0;
            while (col < modules)
            {
                if (!bits[col])
                {
                    col++;
                    continue;
                }

                var start = col;
                while (col < modules && bits[col])
                {
                    col++;
                }

                // A hair of overlap keeps viewers from showing seams between neighbouring runs.
                gfx.DrawRectangle(XBrushes.Black, x + (start * cell), y + (row * cell), ((col - start) * cell) + 0.05, cell + 0.05);
            }
        }
    }
}
