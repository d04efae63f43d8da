using NodaTime;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Excel;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Counter;

/// <summary>One payment taken at the counter.</summary>
public sealed record CounterPayment(long PaymentId, string? ReceiptNo, Instant TakenAt, string UserName, string DisplayName, PaymentChannel Channel, string Reference, string Household, Money Amount);

/// <summary>A cashier's takings in one channel on one day.</summary>
public sealed record CloseOutLine(string UserName, string DisplayName, PaymentChannel Channel, int Payments, Money Amount);

/// <summary>
/// The day's close-out (日结): what each cashier took in each channel, which is what they hand
/// over (cash) or what the channel's statement must show (WeChat, Alipay, bank).
/// </summary>
public sealed record CloseOut(string OperatorName, LocalDate Day, IReadOnlyList<CounterPayment> Payments)
{
    public IReadOnlyList<CloseOutLine> Lines => Payments
        .GroupBy(p => (p.UserName, p.DisplayName, p.Channel))
        .Select(g => new CloseOutLine(g.Key.UserName, g.Key.DisplayName, g.Key.Channel, g.Count(), Money.Sum(g.Select(p => p.Amount))))
        .OrderBy(l => l.UserName, StringComparer.Ordinal).ThenBy(l => l.Channel)
        .ToList();

    public Money Total => Money.Sum(Payments.Select(p => p.Amount));

    public static readonly IReadOnlyList<string> SummaryHeaders = ["收费员", "用户名", "支付方式", "笔数", "金额（元）"];

    public static readonly IReadOnlyList<string> DetailHeaders = ["收据号", "收款时间", "收费员", "支付方式", "交易号", "户号", "金额（元）"];

    public byte[] Xlsx()
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        var rows = Lines.Select(l => (IReadOnlyList<object?>)[l.DisplayName, l.UserName, l.Channel.Display(), l.Payments, l.Amount.Yuan]).ToList();
        rows.Add(["合计", null, null, Payments.Count, Total.Yuan]);
        rows.Add([]);
        rows.Add(DetailHeaders.Cast<object?>().ToList());
        rows.AddRange(Payments.Select(p => (IReadOnlyList<object?>)[
            p.ReceiptNo ?? string.Empty, p.TakenAt.InZone(zone).ToString("yyyy-MM-dd HH:mm:ss", null), p.DisplayName, p.Channel.Display(), p.Reference, p.Household, p.Amount.Yuan]));
        return Spreadsheets.Write($"日结 {Day:yyyy-MM-dd}", SummaryHeaders, rows);
    }

    public byte[] Pdf()
    {
        var (title, body, bold) = (PdfText.Font(15, bold: true), PdfText.Font(9.5), PdfText.Font(10, bold: true));
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        using var document = new PdfDocument();
        document.Info.Title = $"收费日结 {Day:yyyy-MM-dd}";
        document.Info.Creator = "RedProperty.Billing";
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(595.28);
        page.Height = XUnit.FromPoint(841.89);
        var gfx = XGraphics.FromPdfPage(page);
        const double left = 40;
        var right = page.Width.Point - 40;
        var y = 36.0;

        void NewPageIfFull()
        {
            if (y > page.Height.Point - 60)
            {
                gfx.Dispose();
                page = document.AddPage();
                page.Width = XUnit.FromPoint(595.28);
                page.Height = XUnit.FromPoint(841.89);
                gfx = XGraphics.FromPdfPage(page);
                y = 40;
            }
        }

        void Row(XFont font, params (double X, string Text, bool Right)[] cells)
        {
            NewPageIfFull();
            foreach (var (x, text, alignRight) in cells)
            {
                if (alignRight)
                {
                    gfx.DrawText(text, font, XBrushes.Black, new XRect(left, y, x - left, 14), XStringFormats.TopRight);
                }
                else
                {
                    gfx.DrawText(text, font, XBrushes.Black, x, y, XStringFormats.TopLeft);
                }
            }

            y += 16;
        }

        gfx.DrawText("收费日结", title, XBrushes.Black, new XRect(left, y, right - left, 20), XStringFormats.TopCenter);
        y += 26;
        gfx.DrawText($"{OperatorName}　{Day.Year}年{Day.Month}月{Day.Day}日", body, XBrushes.Black, new XRect(left, y, right - left, 14), XStringFormats.TopCenter);
        y += 28;
        Row(bold, (left, "收费员", false), (left + 170, "支付方式", false), (left + 320, "笔数", true), (right, "金额（元）", true));
        foreach (var line in Lines)
        {
            Row(body, (left, $"{line.DisplayName}（{line.UserName}）", false), (left + 170, line.Channel.Display(), false), (left + 320, line.Payments.ToString(System.Globalization.CultureInfo.InvariantCulture), true), (right, line.Amount.ToFenString(), true));
        }

        gfx.DrawLine(XPens.Black, left, y, right, y);
        y += 4;
        Row(bold, (left, "合计", false), (left + 320, Payments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), true), (right, Total.ToFenString(), true));
        Row(bold, (left, $"人民币（大写）：{ChineseAmount.Capital(Total)}", false));
        y += 16;
        Row(bold, (left, "明细", false));
        Row(bold, (left, "收据号", false), (left + 100, "时间", false), (left + 140, "收费员", false), (left + 205, "方式", false), (left + 255, "户号", false), (right, "金额（元）", true));
        foreach (var p in Payments)
        {
            Row(body, (left, p.ReceiptNo ?? string.Empty, false), (left + 100, p.TakenAt.InZone(zone).ToString("HH:mm", null), false), (left + 140, p.DisplayName, false),
                (left + 205, p.Channel.Display(), false), (left + 255, p.Household, false), (right, p.Amount.ToFenString(), true));
        }

        y += 30;
        Row(body, (left, "收费员签字：", false), (left + 250, "复核人签字：", false));
        gfx.Dispose();
        return PdfText.Save(document);
    }
}
