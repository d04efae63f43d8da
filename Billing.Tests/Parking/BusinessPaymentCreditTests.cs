using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>
/// 鑫源便利店 leases A-001 by the month in October and November 2026 at 300.00 a month, so each
/// month's invoice is 300.00. Reversals and overpayment credit on real PostgreSQL.
/// </summary>
public class BusinessPaymentCreditTests
{
    private static readonly YearMonth November = new(2026, 11);

    private static async Task<long> LeaseTwoMonthsAsync(NpgsqlDataSource db)
    {
        var store = new LeaseStore(db);
        var rates = OctoberLeases.Book.For("TCJY", new LocalDate(2026, 10, 1))!;
        CreditCode.TryParse("91350100M000100Y43", out var code, out _);
        var shop = await store.AddBusinessAsync("鑫源便利店", "张老板 13800000000", code);
        var space = await store.AddSpaceAsync("HZ-FXY", "A-001");
        await store.PermitAsync(space, "HZ-FXY-01-1-101", new LocalDate(2026, 1, 1), null);
        foreach (var month in new[] { OctoberLeases.October, November })
        {
            var daytime = rates.Daytime.Occurrences(month, rates.Calendar, OctoberLeases.Shanghai).ToList();
            await store.ReleaseAsync(space, daytime, "业主");
            await store.LeaseAsync(space, shop, "monthly", daytime, rates);
        }

        return shop;
    }

    private static Task<InvoiceIssue> IssueAsync(BusinessInvoiceStore store, YearMonth month) =>
        store.IssueAsync("HZ-FXY", month, OctoberLeases.Book, OctoberLeases.Shanghai);

    private static async Task<RecordedBusinessPayment> PayAsync(BusinessInvoiceStore store, YearMonth month, long shop, string reference, decimal amount) =>
        (await store.PayAsync("HZ-FXY", month, shop, new BusinessPaymentInput(PaymentChannel.BankTransfer, reference, new Money(amount), new LocalDate(2026, 11, 5)), "test"))!;

    [Fact]
    public async Task A_300_payment_reversed_leaves_300_open_and_reversing_it_again_stores_one_reversal()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var shop = await LeaseTwoMonthsAsync(db.DataSource);
        var store = new BusinessInvoiceStore(db.DataSource);
        await IssueAsync(store, OctoberLeases.October);

        var paid = await PayAsync(store, OctoberLeases.October, shop, "B-1", 300.00m);
        var reversed = (await store.ReverseAsync(paid.Id, "退票：转账被银行退回", new LocalDate(2026, 11, 8), "财务 王芳"))!;
        var again = (await store.ReverseAsync(paid.Id, "退票：转账被银行退回", new LocalDate(2026, 11, 8), "财务 李明"))!;
        var otherReason = await Assert.ThrowsAsync<BusinessPaymentConflictException>(() => store.ReverseAsync(paid.Id, "记错账单", new LocalDate(2026, 11, 8), "财务 王芳"));
        var missing = await store.ReverseAsync(paid.Id + 1000, "x", new LocalDate(2026, 11, 8), "财务 王芳");
        var invoice = (await store.GetAsync("HZ-FXY", OctoberLeases.October, shop))!;
        await using var delete = db.DataSource.CreateCommand("delete from business_payment_reversal");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());

        Assert.Equal((0.00m, 300.00m), (paid.Balance.Open.Yuan, paid.Balance.Paid.Yuan));
        Assert.Equal((false, 300.00m, 0.00m, 0.00m), (reversed.Duplicate, reversed.Balance.Open.Yuan, reversed.Balance.Paid.Yuan, reversed.Credit.Yuan));
        Assert.Equal((true, "财务 王芳", 300.00m), (again.Duplicate, again.Reversal.RecordedBy, again.Balance.Open.Yuan));
        Assert.Contains("already reversed on 2026-11-08", otherReason.Message, StringComparison.Ordinal);
        Assert.Null(missing);
        Assert.Equal(1, await db.CountAsync("select count(*) from business_payment_reversal"));
        Assert.Equal(1, await db.CountAsync("select count(*) from business_payment"));
        Assert.Equal(("退票：转账被银行退回", 300.00m), (invoice.Payments.Single().Reversal!.Reason, invoice.Balance.Open.Yuan));
        Assert.Contains("never edited", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paying_350_on_300_leaves_50_credit_that_Novembers_300_invoice_takes_once_to_ask_250()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var shop = await LeaseTwoMonthsAsync(db.DataSource);
        var store = new BusinessInvoiceStore(db.DataSource);
        await IssueAsync(store, OctoberLeases.October);

        var paid = await PayAsync(store, OctoberLeases.October, shop, "B-350", 350.00m);
        var issues = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => IssueAsync(new BusinessInvoiceStore(db.DataSource), November)));
        var again = await IssueAsync(store, November);
        var november = (await store.GetAsync("HZ-FXY", November, shop))!;
        var october = (await store.GetAsync("HZ-FXY", OctoberLeases.October, shop))!;
        var (pdf, _, _) = (await store.PdfAsync("HZ-FXY", November, shop))!.Value;
        using var document = PdfDocument.Open(pdf);
        var text = PdfReadBack.TextOf(document.GetPage(1));

        Assert.Equal((0.00m, 50.00m), (paid.Balance.Open.Yuan, paid.Credit.Yuan));
        Assert.Equal(1, issues.Sum(i => i.Issued));
        Assert.Equal(new InvoiceIssue(0, 1), again);
        Assert.Equal((300.00m, 250.00m, 250.00m, 0.00m), (november.Model.Total.Yuan, november.Model.AmountDue.Yuan, november.Balance.Open.Yuan, november.Credit.Yuan));
        var credit = Assert.Single(november.Model.Credits);
        Assert.Equal((paid.Id, 50.00m), (credit.Payment, credit.Amount.Yuan));
        Assert.Contains($"PK-HZ-FXY-202610-{shop:D6}", credit.Text, StringComparison.Ordinal);
        Assert.Equal((0.00m, 350.00m, 50.00m), (october.Balance.Open.Yuan, october.Balance.Paid.Yuan, october.Balance.CreditGiven.Yuan));
        Assert.Equal(1, await db.CountAsync("select count(*) from business_credit_application where amount = 50.00"));

        // The stored total stays the lease charges, which the residents' pool counts.
        Assert.Equal(1, await db.CountAsync("select count(*) from business_invoice where period = '2026-11-01' and total = 300.00"));
        foreach (var expected in new[] { "停车费小计", "-50.00", "¥250.00", "贰佰伍拾元整", "B-350" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_350_payment_that_bounces_after_its_50_credit_was_used_leaves_350_open_on_October_and_600_owed_in_all()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var shop = await LeaseTwoMonthsAsync(db.DataSource);
        var store = new BusinessInvoiceStore(db.DataSource);
        await IssueAsync(store, OctoberLeases.October);
        var paid = await PayAsync(store, OctoberLeases.October, shop, "B-350", 350.00m);
        await IssueAsync(store, November);

        var reversed = (await store.ReverseAsync(paid.Id, "退票", new LocalDate(2026, 11, 20), "财务"))!;
        var november = (await store.GetAsync("HZ-FXY", November, shop))!;

        // November was issued asking 250.00 and stays so; the 50.00 it took is owed on October again.
        Assert.Equal((350.00m, 0.00m), (reversed.Balance.Open.Yuan, reversed.Credit.Yuan));
        Assert.Equal(250.00m, november.Balance.Open.Yuan);
        Assert.Equal(600.00m, reversed.Balance.Open.Yuan + november.Balance.Open.Yuan);
    }
}
