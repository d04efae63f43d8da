using System.Globalization;
using CsvHelper;
using NodaTime;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Payments;

/// <summary>Receipts (收据), the arrears list for household-liaison leaders (联户长) and reminder notices (催缴通知).</summary>
public static class PaymentDocuments
{
    private const double A5Width = 595.28;
    private const double A5Height = 420.94; // A5 landscape: the usual receipt size

    /// <summary>A receipt drawn without being issued (no number in the series yet): for previews only.</summary>
    public static byte[] Receipt(ReceiptModel r) =>
        Receipt(r, new ReceiptIssue($"预览-{r.PaymentId}", "—", ReceiptLines.Split(r.Settled, _ => [])), DocumentContext.Default);

    /// <summary>
    /// The receipt (收款收据) as issued: number, cashier, what the payment settled by fee and month,
    /// the balance after it on its date, and a box for the seal.
    /// </summary>
    public static byte[] Receipt(ReceiptModel r, ReceiptIssue issue, DocumentContext context)
    {
        var (title, body, bold, note) = (PdfText.Font(16, bold: true), PdfText.Font(9.5), PdfText.Font(10.5, bold: true), PdfText.Font(7.5));
        var profile = context.Profile(r.OperatorCode);
        using var document = A5Document($"收款收据 {issue.ReceiptNo}", profile?.LegalName ?? r.OperatorName, out var page);
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            const double left = 36;
            var right = A5Width - 36;
            var y = 24.0;
            gfx.DrawText("收款收据", title, XBrushes.Black, new XRect(left, y, right - left, 20), XStringFormats.TopCenter);
            gfx.DrawText($"No. {issue.ReceiptNo}", bold, XBrushes.DarkRed, right, y + 4, XStringFormats.TopRight);
            y += 24;
            gfx.DrawText($"{profile?.LegalName ?? r.OperatorName} · {r.CommunityName}", body, XBrushes.Black, new XRect(left, y, right - left, 14), XStringFormats.TopCenter);
            y += 22;
            gfx.DrawText($"户号：{r.Payment.Household}　房屋：{r.Details.Address}　业主：{r.Details.OwnerName}", body, XBrushes.Black, left, y, XStringFormats.TopLeft);
            y += 15;
            gfx.DrawText($"收款日期：{ChineseDates.Day(r.Payment.PaidOn)}　支付方式：{r.Payment.Channel.Display()}　交易号：{r.Payment.Reference}", body, XBrushes.Black, left, y, XStringFormats.TopLeft);
            y += 20;

            // The lines: fee, month settled, amount; then what became credit.
            var (kindX, monthX, amountX) = (left + 6, left + 200, right - 6);
            gfx.DrawLine(XPens.Black, left, y, right, y);
            y += 4;
            gfx.DrawText("收费项目", bold, XBrushes.Black, kindX, y, XStringFormats.TopLeft);
            gfx.DrawText("所属月份", bold, XBrushes.Black, monthX, y, XStringFormats.TopLeft);
            gfx.DrawText("金额（元）", bold, XBrushes.Black, amountX, y, XStringFormats.TopRight);
            y += 16;
            gfx.DrawLine(new XPen(XColors.Gray, 0.4), left, y, right, y);
            y += 4;
            foreach (var line in issue.Lines)
            {
                gfx.DrawText(line.FeeKind, body, XBrushes.Black, kindX, y, XStringFormats.TopLeft);
                gfx.DrawText(ChineseDates.Month(line.Period), body, XBrushes.Black, monthX, y, XStringFormats.TopLeft);
                gfx.DrawText(line.Amount.ToFenString(), body, XBrushes.Black, amountX, y, XStringFormats.TopRight);
                y += 14;
            }

            if (r.CreditLeft > Money.Zero)
            {
                gfx.DrawText("预存（抵扣以后账单）", body, XBrushes.Black, kindX, y, XStringFormats.TopLeft);
                gfx.DrawText("—", body, XBrushes.Black, monthX, y, XStringFormats.TopLeft);
                gfx.DrawText(r.CreditLeft.ToFenString(), body, XBrushes.Black, amountX, y, XStringFormats.TopRight);
                y += 14;
            }

            gfx.DrawLine(XPens.Black, left, y, right, y);
            y += 5;
            gfx.DrawText($"合计：¥ {r.Payment.Amount.ToFenString()}", bold, XBrushes.Black, kindX, y, XStringFormats.TopLeft);
            gfx.DrawText($"人民币（大写）：{ChineseAmount.Capital(r.Payment.Amount)}", bold, XBrushes.Black, monthX, y, XStringFormats.TopLeft);
            y += 20;
            var balance = r.BalanceAfter > Money.Zero ? $"尚欠 {r.BalanceAfter.ToFenString()} 元" : r.BalanceAfter < Money.Zero ? $"预存 {(-r.BalanceAfter).ToFenString()} 元" : "已结清";
            gfx.DrawText($"截至 {ChineseDates.Day(r.Payment.PaidOn)} 本次收款后余额：{balance}", body, XBrushes.Black, kindX, y, XStringFormats.TopLeft);
            y += 24;
            gfx.DrawText($"收款人：{issue.Cashier}", body, XBrushes.Black, kindX, y, XStringFormats.TopLeft);
            gfx.DrawText("交款人：＿＿＿＿＿＿", body, XBrushes.Black, monthX, y, XStringFormats.TopLeft);

            // The seal box sits beside the signatures, where the cashier stamps it.
            const double seal = 64;
            DocumentBlocks.SealBox(gfx, right - seal - 20, Math.Min(y - 34, A5Height - 60 - seal - 40), seal, profile is null ? null : context.Seal(profile), "收款单位（盖章）");
            var bottom = A5Height - 34;
            gfx.DrawText("收款按欠费月份由远及近冲抵；多缴部分转为预存，抵扣下期账单。本收据一经开具不再更改，款项如被冲正另行出具冲正通知。",
                note, XBrushes.DimGray, left, bottom - 22, XStringFormats.TopLeft);
            if (profile is not null)
            {
                gfx.DrawText($"{DocumentBlocks.ContactLine(profile, r.CommunityCode)}　{DocumentBlocks.ComplaintLine(profile)}", PdfText.Font(6.5), XBrushes.DimGray, left, bottom - 10, XStringFormats.TopLeft);
            }
        }

        return PdfText.Save(document);
    }

    /// <summary>A one-page A5 document titled and signed by the operator, as receipts and reversal notices are printed.</summary>
    private static PdfDocument A5Document(string title, string author, out PdfPage page)
    {
        var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Author = author;
        document.Info.Creator = "RedProperty.Billing";
        page = document.AddPage();
        page.Width = XUnit.FromPoint(A5Width);
        page.Height = XUnit.FromPoint(A5Height);
        return document;
    }

    /// <summary>The notice (收款冲正通知) for a reversed payment: which receipt it cancels and why; the receipt stays as issued.</summary>
    public static byte[] ReversalNotice(ReceiptModel r, string? receiptNo, string reason, LocalDate on, DocumentContext context)
    {
        var (title, body, bold, note) = (PdfText.Font(16, bold: true), PdfText.Font(10), PdfText.Font(10.5, bold: true), PdfText.Font(7.5));
        var profile = context.Profile(r.OperatorCode);
        using var document = A5Document($"收款冲正通知 {receiptNo ?? r.PaymentId.ToString(CultureInfo.InvariantCulture)}", profile?.LegalName ?? r.OperatorName, out var page);
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            const double left = 40;
            var right = A5Width - 40;
            var y = 28.0;
            gfx.DrawText("收款冲正通知", title, XBrushes.Black, new XRect(left, y, right - left, 20), XStringFormats.TopCenter);
            y += 26;
            gfx.DrawText($"{profile?.LegalName ?? r.OperatorName} · {r.CommunityName}", body, XBrushes.Black, new XRect(left, y, right - left, 14), XStringFormats.TopCenter);
            y += 28;
            foreach (var line in new[]
            {
                $"{r.Details.Address}（户号 {r.Payment.Household}）{r.Details.OwnerName} 您好：",
                $"您于 {ChineseDates.Day(r.Payment.PaidOn)} 通过{r.Payment.Channel.Display()}缴纳的 {r.Payment.Amount.ToFenString()} 元（交易号 {r.Payment.Reference}），",
                $"已于 {ChineseDates.Day(on)} 冲正，原因：{reason}。",
                receiptNo is null ? "该笔款项未开具收据。" : $"原收据 No. {receiptNo} 随之作废（原收据内容不作修改，以本通知为准）。",
                "该笔款项不再冲抵任何月份的费用，原已冲抵的月份恢复为未缴，请留意下期对账单。",
            })
            {
                gfx.DrawText(line, body, XBrushes.Black, left, y, XStringFormats.TopLeft);
                y += 18;
            }

            y += 8;
            gfx.DrawText($"冲正金额：¥ {r.Payment.Amount.ToFenString()}（{ChineseAmount.Capital(r.Payment.Amount)}）", bold, XBrushes.Black, left, y, XStringFormats.TopLeft);
            const double seal = 64;
            DocumentBlocks.SealBox(gfx, right - seal - 10, A5Height - 40 - seal - 22, seal, profile is null ? null : context.Seal(profile), "收款单位（盖章）");
            if (profile is not null)
            {
                gfx.DrawText($"如有疑问请联系：{DocumentBlocks.ContactLine(profile, r.CommunityCode)}", note, XBrushes.DimGray, left, A5Height - 48, XStringFormats.TopLeft);
                gfx.DrawText(DocumentBlocks.ComplaintLine(profile), note, XBrushes.DimGray, left, A5Height - 37, XStringFormats.TopLeft);
            }
        }

        return PdfText.Save(document);
    }

    /// <summary>The column heads of the arrears list, in Chinese: it is read by finance staff and 联户长, not by programs.</summary>
    public static readonly string[] ArrearsColumns =
        ["楼栋", "单元", "房号", "户号", "业主", "联系电话", "欠费月份", "未缴合计", "其中未到期", "逾期1-30天", "逾期31-90天", "逾期91-180天", "逾期180天以上", "预存余额"];

    /// <summary>
    /// The arrears list handed to household-liaison leaders (联户长): volunteers, so phone numbers
    /// are masked (138****1234) and text that looks like a spreadsheet formula is made inert.
    /// </summary>
    public static string ArrearsCsv(IReadOnlyList<HouseholdArrears> arrears)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var h in ArrearsColumns)
            {
                csv.WriteField(h);
            }

            csv.NextRecord();
            foreach (var a in arrears)
            {
                foreach (var f in new[]
                {
                    CsvCells.Text(a.Details.Building), CsvCells.Text(a.Details.Unit), CsvCells.Text(a.Details.Room), CsvCells.Text(a.Household),
                    CsvCells.Text(a.Details.OwnerName), CsvCells.MaskedPhone(a.Details.Phone),
                    string.Join(" ", a.Position.Charges.Where(c => !c.IsSettled).Select(c => $"{c.Charge.Period.Year}年{c.Charge.Period.Month}月")),
                    a.Position.Open.ToFenString(), a.Aging.NotYetDue.ToFenString(), a.Aging.Days0To30.ToFenString(), a.Aging.Days31To90.ToFenString(),
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

    /// <summary>Reminders without the operator's profile or fee kinds, as older callers draw them.</summary>
    public static byte[] ReminderNotices(string communityName, string operatorName, LocalDate asOf, IReadOnlyList<HouseholdArrears> arrears, Core.Payments.ReminderRule? rule = null) =>
        ReminderNotices(new ReminderCommunity(string.Empty, communityName, string.Empty, operatorName), asOf, arrears, null, null, rule);

    /// <summary>
    /// One printable reminder notice per household, in building and unit order, for the liaison
    /// leader's round: what is open by month (overdue or not yet due), the issue date, whom to call
    /// and a payment QR code for the latest open statement. It says 物业服务费 only when that is
    /// all the amount is; with parking or other items it says 物业费用 and names them.
    /// </summary>
    /// <param name="rule">who is reminded: overdue at least its minimum (<see cref="Core.Payments.ReminderRule.Default"/> when not given).</param>
    /// <param name="onlyPropertyFee">(household, month) → whether that statement holds only the property service fee; unknown months count as mixed.</param>
    public static byte[] ReminderNotices(
        ReminderCommunity community, LocalDate asOf, IReadOnlyList<HouseholdArrears> arrears,
        IReadOnlyDictionary<(string Household, YearMonth Period), bool>? onlyPropertyFee, DocumentContext? context, Core.Payments.ReminderRule? rule = null)
    {
        var reminder = rule ?? Core.Payments.ReminderRule.Default;
        var reminded = arrears.Where(a => reminder.Reminds(a.Aging.Overdue)).ToList();
        var (title, body, bold, note) = (PdfText.Font(15, bold: true), PdfText.Font(10), PdfText.Font(10, bold: true), PdfText.Font(7.5));
        var profile = context?.Profile(community.OperatorCode);
        using var document = new PdfDocument();
        document.Info.Title = $"{community.Name} 缴费温馨提醒";
        document.Info.Author = profile?.LegalName ?? community.OperatorName;
        document.Info.Creator = "RedProperty.Billing";
        var number = 0;
        foreach (var a in reminded)
        {
            number++;
            var open = a.Position.Charges.Where(c => !c.IsSettled).ToList();
            var propertyOnly = onlyPropertyFee is not null && open.All(c => onlyPropertyFee.GetValueOrDefault((a.Household, c.Charge.Period)));
            var fee = propertyOnly ? "物业服务费" : "物业费用（含停车费等）";
            var page = document.AddPage();
            page.Width = XUnit.FromPoint(A5Width);
            page.Height = XUnit.FromPoint(A5Height);
            using var gfx = XGraphics.FromPdfPage(page);
            const double left = 44;
            var right = A5Width - 44;
            var y = 26.0;
            gfx.DrawText(propertyOnly ? "物业服务费缴费温馨提醒" : "物业费用缴费温馨提醒", title, XBrushes.Black, new XRect(left, y, right - left, 20), XStringFormats.TopCenter);
            y += 24;
            gfx.DrawText($"出具日期：{ChineseDates.Day(asOf)}", note, XBrushes.DimGray, right, y, XStringFormats.TopRight);
            y += 14;
            gfx.DrawText($"{a.Details.Address}（户号 {a.Household}）{a.Details.OwnerName} 您好：", body, XBrushes.Black, left, y, XStringFormats.TopLeft);
            y += 20;
            gfx.DrawText($"截至 {ChineseDates.Day(asOf)}，您家以下月份的{fee}尚未缴清：", body, XBrushes.Black, left + 20, y, XStringFormats.TopLeft);
            y += 20;
            foreach (var c in open)
            {
                var days = Period.DaysBetween(c.Charge.DueDate, asOf);
                gfx.DrawText($"{c.Charge.Period.Year}年{c.Charge.Period.Month}月　应缴 {c.Charge.Amount.ToFenString()} 元，未缴 {c.Open.ToFenString()} 元"
                    + (days > 0 ? $"（{ChineseDates.Day(c.Charge.DueDate)}到期，已逾期 {days} 天）" : $"（{ChineseDates.Day(c.Charge.DueDate)}到期，未到期）"),
                    body, XBrushes.Black, left + 36, y, XStringFormats.TopLeft);
                y += 16;
            }

            y += 4;
            gfx.DrawText($"合计未缴：{a.Position.Open.ToFenString()} 元（{ChineseAmount.Capital(a.Position.Open)}）", bold, XBrushes.Black, left + 20, y, XStringFormats.TopLeft);
            y += 24;
            if (profile is not null && open.Count > 0)
            {
                var latest = open.Max(c => c.Charge.Period);
                var statementNo = $"{latest.Year:D4}{latest.Month:D2}-{a.Household}";
                y = DocumentBlocks.Payment(gfx, profile, context!.PaymentLink.For(profile, a.Household, statementNo), $"对账单号 {statementNo}", left, right, y);
                gfx.DrawText("如已缴纳请忽略本提醒。如有疑问请与我们联系：", note, XBrushes.Black, left, y, XStringFormats.TopLeft);
                y += 11;
                gfx.DrawText(DocumentBlocks.ContactLine(profile, community.Code), note, XBrushes.Black, left, y, XStringFormats.TopLeft);
                y += 11;
                gfx.DrawText($"{profile.LegalName}　{DocumentBlocks.ComplaintLine(profile)}", note, XBrushes.DimGray, left, y, XStringFormats.TopLeft);
            }
            else
            {
                gfx.DrawText("可通过微信、支付宝、银行转账或到物业服务中心缴纳。如已缴纳请忽略本提醒，如有疑问请与我们联系。", body, XBrushes.Black, left + 20, y, XStringFormats.TopLeft);
                y += 26;
                gfx.DrawText($"{community.OperatorName}　{community.Name}物业服务中心", body, XBrushes.Black, right, y, XStringFormats.TopRight);
            }

            gfx.DrawText($"{a.Details.Building}号楼{a.Details.Unit}单元　第 {number} / {arrears.Count} 份", note, XBrushes.DimGray, right, A5Height - 24, XStringFormats.TopRight);
        }

        if (number == 0)
        {
            var page = document.AddPage();
            using var gfx = XGraphics.FromPdfPage(page);
            gfx.DrawText($"{community.Name}：截至 {ChineseDates.Day(asOf)} 无逾期欠费。", body, XBrushes.Black, 50, 50, XStringFormats.TopLeft);
        }

        return PdfText.Save(document);
    }
}
