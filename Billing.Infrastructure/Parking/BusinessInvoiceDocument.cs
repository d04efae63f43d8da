using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Core;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Parking;

/// <summary>
/// 共享停车费账单 as an A4 PDF in Chinese, in the shipped font. It only lays out the model: every
/// figure comes from the stored lines, so the page and the database cannot disagree.
/// </summary>
public static class BusinessInvoiceDocument
{
    private const double Margin = 50;
    private const double PageWidth = 595.28;
    private const double PageHeight = 841.89;
    private const double Right = PageWidth - Margin;
    private const double FormulaColumn = Margin + 70;
    private const double FormulaWidth = Right - 80 - FormulaColumn;
    private const double Bottom = PageHeight - Margin - 30;

    public static byte[] Render(BusinessInvoiceModel m)
    {
        var (title, heading, body, bold, note) = (PdfText.Font(18, bold: true), PdfText.Font(12, bold: true), PdfText.Font(10), PdfText.Font(10, bold: true), PdfText.Font(8));
        using var document = new PdfDocument();
        document.Info.Title = $"共享停车费账单 {m.InvoiceNo}";
        document.Info.Author = m.OperatorName;
        document.Info.Creator = "RedProperty.Billing";
        var pages = new List<XGraphics>();
        XGraphics NewPage()
        {
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(PageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            var g = XGraphics.FromPdfPage(page);
            pages.Add(g);
            return g;
        }

        double TableHead(XGraphics g, double y)
        {
            g.DrawLine(XPens.Black, Margin, y, Right, y);
            y += 8;
            g.DrawText("车位", bold, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            g.DrawText("计算方式", bold, XBrushes.Black, FormulaColumn, y, XStringFormats.TopLeft);
            g.DrawText("金额（元）", bold, XBrushes.Black, Right, y, XStringFormats.TopRight);
            y += 20;
            g.DrawLine(XPens.Gray, Margin, y, Right, y);
            return y + 8;
        }

        try
        {
            var gfx = NewPage();
            var y = Margin;
            gfx.DrawText("共享停车费账单", title, XBrushes.Black, new XRect(Margin, y, Right - Margin, 24), XStringFormats.TopCenter);
            y += 34;
            gfx.DrawText($"{m.OperatorName} · {m.CommunityName}", heading, XBrushes.Black, new XRect(Margin, y, Right - Margin, 16), XStringFormats.TopCenter);
            y += 30;
            foreach (var (label, value, label2, value2) in new[]
            {
                ("账单号", m.InvoiceNo, "账期", ChineseDates.Month(m.Period)),
                ("承租单位", m.BusinessName, "统一社会信用代码", m.CreditCode),
                ("出具日期", ChineseDates.Day(m.IssueDate), "付款截止日期", ChineseDates.Day(m.DueDate)),
            })
            {
                gfx.DrawText($"{label}：{value}", body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                gfx.DrawText($"{label2}：{value2}", body, XBrushes.Black, Margin + 260, y, XStringFormats.TopLeft);
                y += 18;
            }

            y = TableHead(gfx, y + 8);
            foreach (var line in m.Lines)
            {
                var formula = gfx.Wrap(line.Formula, body, FormulaWidth);
                var height = (formula.Count * 14) + 22;
                if (y + height > Bottom)
                {
                    gfx = NewPage();
                    gfx.DrawText($"共享停车费账单（续）　{m.BusinessName}　{ChineseDates.Month(m.Period)}　{m.InvoiceNo}", heading, XBrushes.Black, Margin, Margin, XStringFormats.TopLeft);
                    y = TableHead(gfx, Margin + 26);
                }

                gfx.DrawText(line.Space, body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                for (var i = 0; i < formula.Count; i++)
                {
                    gfx.DrawText(formula[i], body, XBrushes.Black, FormulaColumn, y + (i * 14), XStringFormats.TopLeft);
                }

                gfx.DrawText(line.Amount.ToFenString(), body, XBrushes.Black, Right, y, XStringFormats.TopRight);
                y += ((formula.Count - 1) * 14) + 16;
                // The book's name and the daytime window the space is leased in; version and lease ids stay in the stored line.
                var book = Documents.DocumentContext.Default.Parking.Versions.FirstOrDefault(v => v.VersionId == line.RateVersion);
                var window = book is null ? string.Empty
                    : $"；出租时段：{(book.Daytime.WorkingDaysOnly ? "工作日" : "每日")} {book.Daytime.From:HH:mm}–{book.Daytime.To:HH:mm}";
                gfx.DrawText($"收费标准：{book?.Title ?? "共享停车收费标准"}{window}", note, XBrushes.DimGray, FormulaColumn, y, XStringFormats.TopLeft);
                y += 20;
            }

            gfx.DrawLine(XPens.Black, Margin, y, Right, y);
            y += 10;
            if (y + 80 > Bottom)
            {
                gfx = NewPage();
                y = Margin;
            }

            // Credit lines only when there are any, so an invoice without credit is drawn as before.
            if (m.Credits.Count > 0)
            {
                if (y + 40 + (m.Credits.Count * 32) > Bottom)
                {
                    gfx = NewPage();
                    y = Margin;
                }

                gfx.DrawText("停车费小计", body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                gfx.DrawText(m.Total.ToFenString(), body, XBrushes.Black, Right, y, XStringFormats.TopRight);
                y += 18;
                foreach (var credit in m.Credits)
                {
                    var text = gfx.Wrap(credit.Text, body, FormulaWidth);
                    gfx.DrawText("抵扣", body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                    for (var i = 0; i < text.Count; i++)
                    {
                        gfx.DrawText(text[i], body, XBrushes.Black, FormulaColumn, y + (i * 14), XStringFormats.TopLeft);
                    }

                    gfx.DrawText((-credit.Amount).ToFenString(), body, XBrushes.Black, Right, y, XStringFormats.TopRight);
                    y += (text.Count * 14) + 6;
                }

                gfx.DrawLine(XPens.Black, Margin, y, Right, y);
                y += 10;
            }

            gfx.DrawText("本期应付合计", heading, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
            gfx.DrawText($"¥ {m.AmountDue.ToFenString()}", heading, XBrushes.Black, Right, y, XStringFormats.TopRight);
            y += 18;
            gfx.DrawText($"人民币（大写）：{ChineseAmount.Capital(m.AmountDue)}", body, XBrushes.Black, Right, y, XStringFormats.TopRight);
            y += 26;
            gfx.DrawText("说明：包月按月收费；计时按当月实际时段小时数 × 小时单价，每行四舍五入到分，合计为各行之和。", note, XBrushes.DimGray, Margin, y, XStringFormats.TopLeft);
            y += 13;
            gfx.DrawText("所收停车费全部计入小区共享停车收益池，用于降低居民停车费。本账单为收费通知，不是增值税发票。", note, XBrushes.DimGray, Margin, y, XStringFormats.TopLeft);
            if (Documents.DocumentContext.Default.Profile(m.OperatorCode) is { } profile)
            {
                // Who to pay and whom to call: the operator's account and the community's service centre.
                y += 20;
                if (y + 60 > Bottom)
                {
                    gfx = NewPage();
                    y = Margin;
                }

                gfx.DrawText("收款账户", bold, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                y += 16;
                gfx.DrawText($"户名：{profile.Bank.AccountName}　开户行：{profile.Bank.Bank}", body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                y += 15;
                gfx.DrawText($"账号：{profile.Bank.Number}（转账请附言账单号 {m.InvoiceNo}）", body, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                y += 18;
                gfx.DrawText($"联系：{Documents.DocumentBlocks.ContactLine(profile, m.Community)}", note, XBrushes.Black, Margin, y, XStringFormats.TopLeft);
                y += 12;
                gfx.DrawText($"{profile.LegalName}（统一社会信用代码 {profile.CreditCode}）　{Documents.DocumentBlocks.ComplaintLine(profile)}", note, XBrushes.DimGray, Margin, y, XStringFormats.TopLeft);
            }
            for (var i = 0; i < pages.Count; i++)
            {
                pages[i].DrawText($"{m.OperatorName}　{m.InvoiceNo}", note, XBrushes.DimGray, Margin, PageHeight - Margin - 10, XStringFormats.TopLeft);
                pages[i].DrawText($"第 {i + 1} 页 / 共 {pages.Count} 页", note, XBrushes.DimGray, Right, PageHeight - Margin - 10, XStringFormats.TopRight);
            }
        }
        finally
        {
            foreach (var page in pages)
            {
                page.Dispose();
            }
        }

        return PdfText.Save(document);
    }
}
