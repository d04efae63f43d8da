using System.Globalization;
using CsvHelper;
using NodaTime;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Payments;

/// <summary>Receipts (收据), the arrears list for household-liaison leaders (联户长) and reminder notices (催缴通知).</summary>
public static class PaymentDocuments
{
    public static byte[] Receipt(ReceiptModel r)
    {
        var (title, body, bold, note) = (PdfText.Font(16, bold: true), PdfText.Font(10), PdfText.Font(11, bold: true), PdfText.Font(8));
        using var document = new PdfDocument();
        document.Info.Title = $"收据 {r.PaymentId}";
        document.Info.Creator = "RedProperty.Billing";
        var page = document.AddPage();
        page.Width = XUnit.FromPoint(595.28);
        page.Height = XUnit.FromPoint(420.94); // A5 landscape: the usual receipt size
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            const double left = 40;
            var right = page.Width.Point - 40;
            var y = 30.0;
            gfx.DrawText("物业服务费收据", title, XBrushes.Black, new XRect(left, y, right - left, 20), XStringFormats.TopCenter);
            y += 26;
            gfx.DrawText($"{r.OperatorName} · {r.CommunityName}", body, XBrushes.Black, new XRect(left, y, right - left, 14), XStringFormats.TopCenter);
            y += 26;
            void Row(string label, string value)
            {
                gfx.DrawText($"{label}：{value}", body, XBrushes.Black, left, y, XStringFormats.TopLeft);
                y += 17;
            }

            Row("收据号", $"SJ{r.PaymentId:D8}");
            Row("户号 / 房屋", $"{r.Payment.Household}　{r.Details.Address}　业主：{r.Details.OwnerName}");
            Row("收款日期", $"{r.Payment.PaidOn.Year}年{r.Payment.PaidOn.Month}月{r.Payment.PaidOn.Day}日");
            Row("支付方式 / 交易号", $"{r.Payment.Channel.Display()}　{r.Payment.Reference}");
            y += 4;
            gfx.DrawText($"金额：¥ {r.Payment.Amount.ToFenString()}", bold, XBrushes.Black, left, y, XStringFormats.TopLeft);
            gfx.DrawText($"人民币（大写）：{ChineseAmount.Capital(r.Payment.Amount)}", bold, XBrushes.Black, left + 170, y, XStringFormats.TopLeft);
            y += 26;
            var settled = r.Settled.Count == 0
                ? "无（全部转为预存，抵扣以后账单）"
                : string.Join("；", r.Settled.Select(s => $"{s.Period.Year}年{s.Period.Month}月 {s.Amount.ToFenString()} 元"));
            Row("本次冲抵", settled);
            if (r.CreditLeft > Money.Zero)
            {
                Row("转为预存", $"{r.CreditLeft.ToFenString()} 元");
            }

            Row("收款后余额", r.BalanceAfter > Money.Zero ? $"尚欠 {r.BalanceAfter.ToFenString()} 元" : r.BalanceAfter < Money.Zero ? $"预存 {(-r.BalanceAfter).ToFenString()} 元" : "已结清");
            if (r.Reversed)
            {
                y += 6;
                gfx.DrawText("此笔款项已冲正（退回），本收据作废。", bold, XBrushes.DarkRed, left, y, XStringFormats.TopLeft);
            }

            gfx.DrawText("收款按欠费月份由远及近冲抵；多缴部分转为预存，抵扣下期账单。", note, XBrushes.DimGray, left, page.Height.Point - 40, XStringFormats.TopLeft);
        }

        return PdfText.Save(document);
    }

    public static string ArrearsCsv(IReadOnlyList<HouseholdArrears> arrears)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var h in new[] { "building", "unit", "room", "household_code", "owner_name", "phone", "open_months", "open_amount", "days_0_30", "days_31_90", "days_91_180", "over_180", "credit" })
            {
                csv.WriteField(h);
            }

            csv.NextRecord();
            foreach (var a in arrears)
            {
                foreach (var f in new[]
                {
                    a.Details.Building, a.Details.Unit, a.Details.Room, a.Household, a.Details.OwnerName, a.Details.Phone ?? string.Empty,
                    string.Join(" ", a.Position.Charges.Where(c => !c.IsSettled).Select(c => $"{c.Charge.Period.Year:D4}-{c.Charge.Period.Month:D2}")),
                    a.Position.Open.ToFenString(), a.Aging.Days0To30.ToFenString(), a.Aging.Days31To90.ToFenString(),
                    a.Aging.Days91To180.ToFenString(), a.Aging.Over180.ToFenString(), a.Position.Credit.ToFenString(),
                })
                {
                    csv.WriteField(Exports.SpreadsheetCell.Safe(f));
                }

                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// One printable reminder notice per household that <paramref name="rule"/> reminds (overdue at
    /// least its minimum; <see cref="Core.Payments.ReminderRule.Default"/> when not given), in building
    /// and unit order, for the liaison leader's round.
    /// </summary>
    public static byte[] ReminderNotices(
        string communityName, string operatorName, LocalDate asOf, IReadOnlyList<HouseholdArrears> arrears, Core.Payments.ReminderRule? rule = null)
    {
        var reminder = rule ?? Core.Payments.ReminderRule.Default;
        var reminded = arrears.Where(a => reminder.Reminds(a.Aging.Overdue)).ToList();
        var (title, body, bold, note) = (PdfText.Font(16, bold: true), PdfText.Font(10.5), PdfText.Font(10.5, bold: true), PdfText.Font(8));
        using var document = new PdfDocument();
        document.Info.Title = $"{communityName} 物业服务费缴费提醒";
        document.Info.Creator = "RedProperty.Billing";
        var number = 0;
        foreach (var a in reminded)
        {
            number++;
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(595.28);
            page.Height = XUnit.FromPoint(420.94);
            using var gfx = XGraphics.FromPdfPage(page);
            const double left = 50;
            var right = page.Width.Point - 50;
            var y = 32.0;
            gfx.DrawText("物业服务费缴费温馨提醒", title, XBrushes.Black, new XRect(left, y, right - left, 20), XStringFormats.TopCenter);
            y += 34;
            gfx.DrawText($"{a.Details.Address}（户号 {a.Household}）{a.Details.OwnerName} 您好：", body, XBrushes.Black, left, y, XStringFormats.TopLeft);
            y += 22;
            gfx.DrawText($"截至 {asOf.Year}年{asOf.Month}月{asOf.Day}日，您家以下月份的物业服务费尚未缴清：", body, XBrushes.Black, left + 20, y, XStringFormats.TopLeft);
            y += 22;
            foreach (var c in a.Position.Charges.Where(c => !c.IsSettled))
            {
                var days = Period.DaysBetween(c.Charge.DueDate, asOf);
                gfx.DrawText($"{c.Charge.Period.Year}年{c.Charge.Period.Month}月　应缴 {c.Charge.Amount.ToFenString()} 元，未缴 {c.Open.ToFenString()} 元"
                    + (days > 0 ? $"（已逾期 {days} 天）" : "（未到期）"), body, XBrushes.Black, left + 40, y, XStringFormats.TopLeft);
                y += 17;
            }

            y += 6;
            gfx.DrawText($"合计未缴：{a.Position.Open.ToFenString()} 元（{ChineseAmount.Capital(a.Position.Open)}）", bold, XBrushes.Black, left + 20, y, XStringFormats.TopLeft);
            y += 26;
            gfx.DrawText("可通过微信、支付宝、银行转账或到物业服务中心缴纳。如已缴纳请忽略本提醒，如有疑问请与我们联系。", body, XBrushes.Black, left + 20, y, XStringFormats.TopLeft);
            y += 30;
            gfx.DrawText($"{operatorName}　{communityName}物业服务中心", body, XBrushes.Black, right, y, XStringFormats.TopRight);
            gfx.DrawText($"{a.Details.Building}号楼{a.Details.Unit}单元　第 {number} / {arrears.Count} 份", note, XBrushes.DimGray, left, page.Height.Point - 36, XStringFormats.TopLeft);
        }

        if (number == 0)
        {
            var page = document.AddPage();
            using var gfx = XGraphics.FromPdfPage(page);
            gfx.DrawText($"{communityName}：截至 {asOf.Year}年{asOf.Month}月{asOf.Day}日无逾期欠费。", body, XBrushes.Black, 50, 50, XStringFormats.TopLeft);
        }

        return PdfText.Save(document);
    }
}
