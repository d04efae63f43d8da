using System.Globalization;
using PdfSharp.Drawing;
using QRCoder;

namespace RedProperty.Billing.Infrastructure.Documents;

/// <summary>
/// Draws a QR code as filled vector rectangles (one per run of dark modules in a row), so it stays
/// sharp at any zoom or print size.
/// </summary>
/// <remarks>
/// On a PDF page the runs are written straight into the content stream in module units under one
/// transformation, e.g. <c>13 27 4 1.02 re f</c>: drawing them one by one through XGraphics cost
/// more than the rest of a statement together and added 3 KB to each. Each run stays its own
/// filled path, as a reader (or a test) that looks at the shapes expects.
/// </remarks>
public static class QrDrawing
{
    // A hair of overlap between rows keeps viewers from showing seams between neighbouring runs.
    private const string RunHeight = "1.02";

    /// <summary>Draws <paramref name="payload"/> in a square of <paramref name="size"/> points, quiet zone included.</summary>
    public static void Draw(XGraphics gfx, string payload, double x, double y, double size)
    {
        using var data = QRCodeGenerator.GenerateQrCode(payload, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var modules = matrix.Count;
        var cell = size / modules;
        if (gfx.PdfPage is null || gfx.Internals.ContentStringBuilder is null)
        {
            DrawThroughGraphics(gfx, matrix, x, y, cell);
            return;
        }

        // Let PDFsharp close whatever it has open (a text object) before writing beside it.
        gfx.Restore(gfx.Save());
        var content = gfx.Internals.ContentStringBuilder!;
        var top = gfx.PageSize.Height - y;
        content.Append(CultureInfo.InvariantCulture, $"q\n0 g\n{cell:0.#####} 0 0 {-cell:0.#####} {x:0.####} {top:0.####} cm\n");
        foreach (var (row, start, length) in Runs(matrix))
        {
            content.Append(start).Append(' ').Append(row).Append(' ').Append(length).Append(' ').Append(RunHeight).Append(" re f\n");
        }

        content.Append("Q\n");
    }

    private static void DrawThroughGraphics(XGraphics gfx, List<System.Collections.BitArray> matrix, double x, double y, double cell)
    {
        foreach (var (row, start, length) in Runs(matrix))
        {
            gfx.DrawRectangle(XBrushes.Black, x + (start * cell), y + (row * cell), (length * cell) + 0.05, cell + 0.05);
        }
    }

    private static IEnumerable<(int Row, int Start, int Length)> Runs(List<System.Collections.BitArray> matrix)
    {
        var modules = matrix.Count;
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

                yield return (row, start, col - start);
            }
        }
    }
}
