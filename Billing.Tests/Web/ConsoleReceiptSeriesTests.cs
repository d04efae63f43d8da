using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>The counter's receipts are the operator's one stored series: consecutive, stored once, reprinted byte for byte.</summary>
public sealed partial class ConsoleReceiptSeriesTests : ConsoleHost
{
    protected override TestSeed Seed => Seeds.SampleBilledOctober;

    [Fact]
    public async Task Two_counter_payments_get_consecutive_numbers_of_the_operators_one_series_and_a_reprint_is_the_first_print()
    {
        await StaffAsync();
        const string household = "HZ-FXY-01-1-101";
        var cashier = await SignInAsync("shoufei");

        async Task<(string ReceiptNo, long PaymentId, byte[] Pdf)> PayAsync(string amount)
        {
            await cashier.GotoAsync($"/console/counter?q={household}");
            await cashier.FillAsync("#amount", amount);
            await cashier.SelectOptionAsync("#channel", "cash");
            await cashier.ClickAsync("#pay");
            Assert.Contains($"已收款 ¥{amount}（现金）", await cashier.InnerTextAsync("#paid"), StringComparison.Ordinal);
            var receiptNo = (await cashier.InnerTextAsync("#receipt-no")).Trim();
            var link = (await cashier.GetAttributeAsync("#receipt", "href"))!;
            var paymentId = long.Parse(ReceiptLink().Match(link).Groups[1].Value, CultureInfo.InvariantCulture);
            var pdf = await DownloadAsync(cashier, link);
            Assert.Equal(200, pdf.Status);
            Assert.Equal("application/pdf", pdf.ContentType);
            return (receiptNo, paymentId, pdf.Body);
        }

        var first = await PayAsync("10.00");
        var second = await PayAsync("20.50");
        await ScreenshotAsync(cashier, "console-counter-receipt-series");

        // One series per operator: TCJY-SJ-nnnnnnnn, the second number the next after the first.
        var n1 = long.Parse(SeriesNumber().Match(first.ReceiptNo).Groups[1].Value, CultureInfo.InvariantCulture);
        var n2 = long.Parse(SeriesNumber().Match(second.ReceiptNo).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(n1 + 1, n2);
        Assert.Equal(n2, await Db.CountAsync("select last_no from receipt_series where operator_code = 'TCJY'"));

        // A payment recorded elsewhere (as the Api records one) continues the same series.
        var imported = (await new PaymentStore(Db.DataSource).RecordAsync(
            [(new PaymentInput("HZ-FXY-01-1-102", PaymentChannel.BankTransfer, "YH-20261201-1", new Money(5.00m), new LocalDate(2026, 12, 1)), "test", 1)], "test"))[0];
        var apiReceipt = (await new ReceiptStore(Db.DataSource).IssueAsync(imported.Id, "测试"))!;
        Assert.Equal($"TCJY-SJ-{n2 + 1:D8}", apiReceipt.ReceiptNo);

        // The PDF names the receipt, the amount and the cashier who took the money.
        var text = PdfReadBack.TextOf(first.Pdf);
        Assert.Contains(first.ReceiptNo, text, StringComparison.Ordinal);
        Assert.Contains("10.00", text, StringComparison.Ordinal);
        Assert.Contains("壹拾元整", text, StringComparison.Ordinal);
        Assert.Contains("张收费", text, StringComparison.Ordinal);

        // The reprint link in the payment history gives the stored bytes, which are the first print.
        await cashier.GotoAsync($"/console/counter?household={household}");
        var history = await cashier.InnerTextAsync("#payments");
        Assert.Contains(first.ReceiptNo, history, StringComparison.Ordinal);
        Assert.Contains(second.ReceiptNo, history, StringComparison.Ordinal);
        var reprint = await DownloadAsync(cashier, $"/console/receipts/{first.PaymentId}.pdf");
        Assert.Equal(first.Pdf, reprint.Body);
        Assert.Equal(1, await Db.CountAsync(
            $"select count(*) from receipt where payment_id = {first.PaymentId} and receipt_no = '{first.ReceiptNo}' and cashier = '张收费' and pdf_sha256 = '{Convert.ToHexStringLower(SHA256.HashData(first.Pdf))}'"));

        // The payments and who took them, read back; each cashier row was written by the payment's own transaction.
        Assert.Equal(1, await Db.CountAsync(
            $"select count(*) from payment where id = {first.PaymentId} and household_code = '{household}' and channel = 'cash' and amount = 10.00 and operator_code = 'TCJY'"));
        Assert.Equal(1, await Db.CountAsync(
            $"select count(*) from payment where id = {second.PaymentId} and household_code = '{household}' and channel = 'cash' and amount = 20.50"));
        Assert.Equal(2, await Db.CountAsync(
            $"""
            select count(*) from payment p join counter_payment c on c.payment_id = p.id
            where p.id in ({first.PaymentId}, {second.PaymentId}) and c.user_name = 'shoufei' and c.display_name = '张收费' and c.scope = 'TCJY'
              and p.xmin::text = c.xmin::text
            """));
        Assert.Equal(2, await Db.CountAsync($"select count(*) from ledger_entry where payment_id in ({first.PaymentId}, {second.PaymentId}) and kind = 'payment'"));

        // The close-out lists the receipts by their numbers in the series.
        await cashier.GotoAsync("/console/counter/close-out");
        var closeOut = await cashier.InnerTextAsync("main");
        Assert.Contains(first.ReceiptNo, closeOut, StringComparison.Ordinal);
        Assert.Contains(second.ReceiptNo, closeOut, StringComparison.Ordinal);
        Assert.DoesNotContain("SJ0", closeOut, StringComparison.Ordinal);
        Assert.Equal("30.50", await cashier.InnerTextAsync("#close-out-total"));
        await ScreenshotAsync(cashier, "console-close-out-receipt-series");
    }

    [GeneratedRegex(@"/console/receipts/([0-9]+)\.pdf$")]
    private static partial Regex ReceiptLink();

    [GeneratedRegex(@"^TCJY-SJ-([0-9]{8})$")]
    private static partial Regex SeriesNumber();
}
