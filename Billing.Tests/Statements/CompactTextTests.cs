using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Infrastructure.Statements;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Statements;

/// <summary>
/// The compact font must print exactly what PDFsharp's own subset printed: the same letters at the
/// same places, in the same sizes, read back by PdfPig from two documents drawn the two ways.
/// </summary>
public class CompactTextTests
{
    private static readonly (string Text, XFont Font, XStringFormat Format, double X, double Y, double Width)[] Samples =
    [
        ("物业服务费对账单", PdfText.Font(18, bold: true), XStringFormats.TopCenter, 50, 50, 495.28),
        ("账期：2026年10月　对账单号：HZ-2026-10-0001", PdfText.Font(10), XStringFormats.TopLeft, 50, 120, 0),
        ("金额（元）", PdfText.Font(10, bold: true), XStringFormats.TopRight, 545.28, 200, 0),
        ("¥ 1,234.56", PdfText.Font(12, bold: true), XStringFormats.TopRight, 545.28, 230, 0),
        ("说明：物业服务费 = 建筑面积 × 服务等级单价", PdfText.Font(8), XStringFormats.BaseLineLeft, 50, 300, 0),
        ("王䶮堃 住 3 栋", PdfText.Font(10), XStringFormats.TopLeft, 50, 330, 0), // 䶮 from the fallback font, the rest compact
        ("第 1 页 / 共 2 页", PdfText.Font(8), XStringFormats.Center, 50, 400, 495.28),
    ];

    [Fact]
    public void Compact_text_prints_the_same_letters_at_the_same_places_as_PDFsharp()
    {
        var plain = PdfReadBack.Letters(Draw(compact: false));
        var compact = PdfReadBack.Letters(Draw(compact: true));

        Assert.Equal(string.Concat(plain.Select(l => l.Value)), string.Concat(compact.Select(l => l.Value)));
        Assert.Equal("物业服务费对账单账期：2026年10月对账单号：HZ-2026-10-0001金额（元）¥1,234.56说明：物业服务费=建筑面积×服务等级单价王䶮堃住3栋第1页/共2页",
            string.Concat(compact.Select(l => l.Value)));
        for (var i = 0; i < plain.Count; i++)
        {
            Assert.Equal(plain[i].StartBaseLine.X, compact[i].StartBaseLine.X, 0.01);
            Assert.Equal(plain[i].StartBaseLine.Y, compact[i].StartBaseLine.Y, 0.01);
            Assert.Equal(plain[i].Width, compact[i].Width, 0.01);
            Assert.Equal(plain[i].PointSize, compact[i].PointSize, 0.01);
        }
    }

    [Fact]
    public void A_compact_document_embeds_only_the_glyphs_it_draws_and_is_smaller()
    {
        var plain = Draw(compact: false);
        var compact = Draw(compact: true);

        using var document = UglyToad.PdfPig.PdfDocument.Open(compact);
        var fonts = document.GetPage(1).Letters.Select(l => l.FontName ?? string.Empty).Distinct().ToList();
        Assert.Contains(fonts, f => System.Text.RegularExpressions.Regex.IsMatch(f, "^[A-Z]{6}\\+WenQuanYi Micro Hei Common$"));
        Assert.Contains(fonts, f => f.Contains("HanaMin", StringComparison.OrdinalIgnoreCase));

        // PDFsharp's subset carries a table entry for each of the common face's 9,428 glyphs; ours for
        // the few dozen drawn. The PDFsharp page here is about 12 KB; drawn compact, about a third.
        Assert.True(compact.Length < plain.Length - 5_000, $"compact {compact.Length} bytes, PDFsharp {plain.Length} bytes");
    }

    private static byte[] Draw(bool compact)
    {
        StatementFonts.EnsureConfigured(); // the licence choice, before the first document
        using var document = new PdfDocument();
        if (compact)
        {
            CompactText.Attach(document);
        }

        var page = document.AddPage();
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            foreach (var (text, font, format, x, y, width) in Samples)
            {
                gfx.DrawText(text, font, XBrushes.Black, new XRect(x, y, width, 0), format);
                gfx.DrawLine(XPens.Gray, 50, y + 20, 545, y + 20); // PDFsharp graphics between texts
            }
        }

        return PdfText.Save(document);
    }
}
