using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Documents;

/// <summary>Receipts, reversal notices, reminders and the liaison list, read back as the cashier, the resident and the 联户长 would.</summary>
public class PaymentDocumentTests
{
    private const string Household = "HZ-FXY-01-1-101"; // October 2026: 33.51 less the district's 6.98 = 26.53, issued 2026-11-01, due 2026-11-16

    private static PaymentInput Pay(string reference, decimal amount, int day, string household = Household, PaymentChannel channel = PaymentChannel.Cash) =>
        new(household, channel, reference, new Money(amount), new LocalDate(2026, 11, day));

    [Fact]
    public async Task A_receipt_is_issued_once_numbered_per_operator_and_printed_again_byte_for_byte_after_the_next_statement()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var payments = new PaymentStore(db.DataSource);
        var receipts = new ReceiptStore(db.DataSource);
        var paid = await payments.RecordAsync([(Pay("c-1", 20.00m, 10), "test", 1), (Pay("c-2", 50.00m, 11, "HZ-FXY-01-1-102"), "test", 2)], "test");

        var first = (await receipts.IssueAsync(paid[0].Id, "收费员 王丽"))!;
        var second = (await receipts.IssueAsync(paid[1].Id, "收费员 王丽"))!;
        var text = PdfReadBack.TextOf(Keep.Document("receipt.pdf", first.Pdf));

        // 26.53 billed, 20.00 paid on 10 November: 20.00 goes to October's property fee and 6.53 is still owed.
        Assert.Equal(("TCJY-SJ-00000001", "TCJY-SJ-00000002"), (first.ReceiptNo, second.ReceiptNo));
        foreach (var expected in new[]
        {
            "收款收据", "No.TCJY-SJ-00000001", "菏泽天创金源物业服务有限公司", "收款人：收费员王丽", "物业服务费2026年10月20.00",
            "合计：¥20.00", "贰拾元整", "截至2026年11月10日本次收款后余额：尚欠6.53元", "收款单位（盖章）", "电话0530-5311001",
        })
        {
            Assert.Contains(expected.Replace(" ", string.Empty, StringComparison.Ordinal), text, StringComparison.Ordinal);
        }

        Assert.All(StatementDocumentTests.InternalWords, w => Assert.DoesNotContain(w, text, StringComparison.Ordinal));

        // November is billed and more is paid: the receipt is the document first issued, whoever asks.
        await using (var services = SampleRegister.JobServicesWithRepositoryRules(db))
        {
            await RunMonth.IssueAsync(services, db.DataSource, "2026-11");
        }

        await payments.RecordAsync([(new PaymentInput(Household, PaymentChannel.Cash, "c-3", new Money(40.00m), new LocalDate(2026, 12, 5)), "test", 1)], "test");
        var again = (await receipts.IssueAsync(paid[0].Id, "另一位收费员"))!;

        Assert.Equal(first.Pdf, again.Pdf);
        Assert.Equal((first.ReceiptNo, "收费员 王丽"), (again.ReceiptNo, again.Cashier));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(again.Pdf)), again.Sha256);

        // Drawn afresh from the ledger, the balance is still the one on the payment's date.
        var model = (await payments.ReceiptAsync(paid[0].Id))!;
        Assert.Equal(6.53m, model.BalanceAfter.Yuan);
    }

    [Fact]
    public async Task A_reversed_payment_gets_its_own_notice_and_the_receipt_is_not_edited()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var payments = new PaymentStore(db.DataSource);
        var receipts = new ReceiptStore(db.DataSource);
        var paid = await payments.RecordAsync([(Pay("c-9", 26.53m, 12), "test", 1)], "test");
        var receipt = (await receipts.IssueAsync(paid[0].Id, "收费员 王丽"))!;

        Assert.Null(await receipts.ReversalNoticeAsync(paid[0].Id));
        await payments.ReverseAsync(paid[0].Id, "银行退票", new LocalDate(2026, 11, 20));
        var notice = (await receipts.ReversalNoticeAsync(paid[0].Id))!;
        var text = PdfReadBack.TextOf(Keep.Document("reversal-notice.pdf", notice.Pdf));

        Assert.Contains("收款冲正通知", text, StringComparison.Ordinal);
        Assert.Contains("原因：银行退票", text, StringComparison.Ordinal);
        Assert.Contains("原收据No.TCJY-SJ-00000001随之作废", text, StringComparison.Ordinal);
        Assert.Equal(notice.Pdf, (await receipts.ReversalNoticeAsync(paid[0].Id))!.Pdf);
        Assert.Equal(receipt.Pdf, (await receipts.IssueAsync(paid[0].Id, "x"))!.Pdf);
        await using var count = db.DataSource.CreateCommand("select count(*) from receipt");
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task On_the_due_date_nothing_is_overdue_the_day_after_it_is_and_the_list_and_notice_agree()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var payments = new PaymentStore(db.DataSource);

        var onDueDate = await payments.ArrearsAsync("HZ-FXY", new LocalDate(2026, 11, 16));
        var dayAfter = await payments.ArrearsAsync("HZ-FXY", new LocalDate(2026, 11, 17));

        Assert.Empty(onDueDate);
        Assert.NotEmpty(dayAfter);
        var position = await payments.PositionAsync(Household, new LocalDate(2026, 11, 16));
        Assert.Equal((26.53m, 0.00m), (AgingBuckets.Of(position, new LocalDate(2026, 11, 16)).NotYetDue.Yuan, AgingBuckets.Of(position, new LocalDate(2026, 11, 16)).Overdue.Yuan));

        var kinds = await StatementFeeKinds.OnlyPropertyFeeAsync(db.DataSource, "HZ-FXY");
        var community = SampleRegister.Communities().Single(c => c.Code.Value == "HZ-FXY");
        var pdf = PaymentDocuments.ReminderNotices(ReminderCommunity.Of(community), new LocalDate(2026, 11, 17), dayAfter, kinds, Infrastructure.Documents.DocumentContext.Default);
        var first = PdfReadBack.TextOf(PdfDocument.Open(Keep.Document("reminders.pdf", pdf)).GetPage(1));

        Assert.Contains("物业服务费缴费温馨提醒", first, StringComparison.Ordinal);
        Assert.Contains("出具日期：2026年11月17日", first, StringComparison.Ordinal);
        Assert.Contains("2026年11月16日到期，已逾期1天", first, StringComparison.Ordinal);
        Assert.Contains("电话0530-5311001", first, StringComparison.Ordinal);
        Assert.Contains("服务投诉电话0530-5310000", first, StringComparison.Ordinal);
        Assert.Equal($"https://pay.tcjy.example/bill?statement=202610-{dayAfter[0].Household}", QrReadBack.Decode(pdf));
        Assert.All(StatementDocumentTests.InternalWords, w => Assert.DoesNotContain(w, first, StringComparison.Ordinal));
    }

    [Fact]
    public void A_reminder_with_parking_in_the_amount_does_not_call_it_all_the_property_service_fee()
    {
        var arrears = Arrears("HZ-FXY-01-1-101", "卢刚", "13812341234");
        var community = new ReminderCommunity("HZ-FXY", "丰鑫园小区", "TCJY", "天创金源物业公司");
        var mixed = new Dictionary<(string, YearMonth), bool> { [("HZ-FXY-01-1-101", new YearMonth(2026, 10))] = false };

        var text = PdfReadBack.TextOf(PaymentDocuments.ReminderNotices(community, new LocalDate(2026, 11, 23), [arrears], mixed, Infrastructure.Documents.DocumentContext.Default));

        Assert.Contains("物业费用缴费温馨提醒", text, StringComparison.Ordinal);
        Assert.Contains("以下月份的物业费用（含停车费等）尚未缴清", text, StringComparison.Ordinal);
        Assert.DoesNotContain("物业服务费", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_liaison_list_has_Chinese_heads_masked_phones_a_not_yet_due_column_and_inert_formulas()
    {
        var csv = PaymentDocuments.ArrearsCsv([Arrears("HZ-FXY-01-1-101", "=HYPERLINK(\"http://x\")", "13812341234"), Arrears("HZ-FXY-01-1-102", "@SUM(A1)", "0530-5312345")]);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("楼栋,单元,房号,户号,业主,联系电话,欠费月份,未缴合计,其中未到期,逾期1-30天,逾期31-90天,逾期91-180天,逾期180天以上,预存余额", lines[0].TrimEnd('\r'));
        Assert.Contains("138****1234", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("13812341234", csv, StringComparison.Ordinal);
        Assert.Contains("053*****2345", lines[2], StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\")\"", lines[1], StringComparison.Ordinal);
        Assert.Contains(",'@SUM(A1),", lines[2], StringComparison.Ordinal);

        // October (33.51) overdue, November (20.00) open but not yet due on 2026-11-23.
        Assert.EndsWith(",53.51,20.00,33.51,0.00,0.00,0.00,0.00", lines[1].TrimEnd('\r'), StringComparison.Ordinal);
    }

    private static HouseholdArrears Arrears(string household, string owner, string phone)
    {
        var asOf = new LocalDate(2026, 11, 23);
        var charges = new[]
        {
            new Charge(1, new YearMonth(2026, 10), new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 16), new Money(33.51m)),
            new Charge(2, new YearMonth(2026, 11), new LocalDate(2026, 11, 20), new LocalDate(2026, 12, 5), new Money(20.00m)),
        };
        var position = Allocation.Fifo(charges, []);
        return new HouseholdArrears(household, new HouseholdDetails("1", "1", "101", new SquareMetres(69.81m), owner, null, phone), position, AgingBuckets.Of(position, asOf));
    }
}
