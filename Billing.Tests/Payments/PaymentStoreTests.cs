using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Payments;

/// <summary>Payments against the sample's October statements on PostgreSQL (statements issued 2026-11-01, due 2026-11-16).</summary>
public class PaymentStoreTests
{
    private const string Household = "HZ-FXY-01-1-101";

    private static PaymentInput Pay(string reference, decimal amount, string household = Household, PaymentChannel channel = PaymentChannel.WeChatPay, int day = 10) =>
        new(household, channel, reference, new Money(amount), new LocalDate(2026, 11, day));

    private static async Task<decimal> StatementTotalAsync(TestDatabase db, string household)
    {
        await using var cmd = db.DataSource.CreateCommand("select total from statement where household_code = @h");
        cmd.Parameters.AddWithValue("h", household);
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Recording_the_same_payment_twice_is_a_no_op_not_a_double_credit()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new PaymentStore(db.DataSource);
        var owed = await StatementTotalAsync(db, Household);

        var first = await store.RecordAsync([(Pay("4200001234202611100001", 20.00m), "api", 1)], "test");
        var again = await store.RecordAsync([(Pay("4200001234202611100001", 20.00m), "api", 1)], "test");

        Assert.False(first[0].Duplicate);
        Assert.True(again[0].Duplicate);
        Assert.Equal(first[0].Id, again[0].Id);
        Assert.Equal(1, await db.CountAsync("select count(*) from ledger_entry where kind = 'payment'"));
        Assert.Equal(owed - 20.00m, (await store.PositionAsync(Household)).Balance.Yuan);
    }

    [Fact]
    public async Task The_same_reference_for_a_different_payment_is_refused_and_nothing_is_stored()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new PaymentStore(db.DataSource);
        await store.RecordAsync([(Pay("wx-1", 20.00m), "api", 1)], "test");

        var e = await Assert.ThrowsAsync<InputRejectedException>(() => store.RecordAsync(
            [(Pay("wx-2", 5.00m), "batch.csv", 2), (Pay("wx-1", 25.00m), "batch.csv", 3)], "test"));

        Assert.Equal(("batch.csv", 3, "reference", "payment.reference.conflict"), (e.Errors[0].Source, e.Errors[0].Row, e.Errors[0].Field, e.Errors[0].Code));
        Assert.Equal(1, await db.CountAsync("select count(*) from payment"));
    }

    [Fact]
    public async Task A_WeChat_export_with_Chinese_headers_imports_once_however_often_it_is_imported()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new PaymentStore(db.DataSource);
        var owed = await StatementTotalAsync(db, "HZ-FXY-01-1-101");
        var csv = $"交易单号,户号,金额(元),支付时间\n4200001,HZ-FXY-01-1-101,¥{owed:0.00},2026-11-05 09:12:44\n4200002,HZ-FXY-01-1-102,\"1,000.00\",2026-11-06 20:01:02\n";

        var rows = RegisterCsv.ReadPayments("wechat.csv", new StringReader(csv), PaymentChannel.WeChatPay);
        await store.RecordAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), "test");
        var again = await store.RecordAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), "test");

        Assert.All(again, r => Assert.True(r.Duplicate));
        Assert.Equal(2, await db.CountAsync("select count(*) from payment where channel = 'wechat'"));
        Assert.Equal(0.00m, (await store.PositionAsync("HZ-FXY-01-1-101")).Balance.Yuan);
        Assert.True((await store.PositionAsync("HZ-FXY-01-1-102")).Credit.Yuan > 900m);
    }

    [Fact]
    public async Task A_reversal_is_a_new_entry_and_a_payment_is_reversed_once()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new PaymentStore(db.DataSource);
        var owed = await StatementTotalAsync(db, Household);
        var paid = await store.RecordAsync([(Pay("cash-0001", owed, channel: PaymentChannel.Cash), "api", 1)], "test");

        await store.ReverseAsync(paid[0].Id, "假币，退回", new LocalDate(2026, 11, 12));
        var twice = await Assert.ThrowsAsync<PaymentConflictException>(() => store.ReverseAsync(paid[0].Id, "again", new LocalDate(2026, 11, 13)));

        Assert.Contains("already reversed", twice.Message, StringComparison.Ordinal);
        Assert.Equal(owed, (await store.PositionAsync(Household)).Balance.Yuan);
        Assert.Equal(3, await db.CountAsync($"select count(*) from ledger_entry where household_code = '{Household}'"));
        await Assert.ThrowsAsync<PostgresException>(() => db.CountAsync("delete from payment returning 1"));
        await Assert.ThrowsAsync<PostgresException>(() => db.CountAsync("update ledger_entry set amount = 0 returning 1"));
    }

    [Fact]
    public async Task Every_balance_equals_its_ledger_and_the_operator_ledger_balances()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new PaymentStore(db.DataSource);
        var paid = await store.RecordAsync(
            [(Pay("a1", 10.00m), "api", 1), (Pay("a2", 100.00m, "HZ-FXY-01-1-102"), "api", 2), (Pay("a3", 5.55m, "HZ-SWJSY-01-1-501", PaymentChannel.Alipay), "api", 3)], "test");
        await store.ReverseAsync(paid[2].Id, "重复扣款", new LocalDate(2026, 11, 11));

        var check = await store.CheckAsync("TCJY");

        Assert.True(check.Balances, string.Join("; ", check.Mismatches));
        Assert.Equal(304, check.Households);
        Assert.Equal((115.55m, 5.55m), (check.PaymentsTotal.Yuan, check.ReversalsTotal.Yuan));
        var statements = await db.DataSource.CreateCommand("select sum(total) from statement").ExecuteScalarAsync();
        Assert.Equal((decimal)statements! - 110.00m, check.LedgerTotal.Yuan);
    }

    [Fact]
    public async Task The_collection_rate_of_a_community_is_checked_against_hand_figures()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new PaymentStore(db.DataSource);
        var first = await StatementTotalAsync(db, "HZ-FXY-01-1-101");
        var second = await StatementTotalAsync(db, "HZ-FXY-01-1-102");
        await store.RecordAsync([(Pay("c1", first), "api", 1), (Pay("c2", 10.00m, "HZ-FXY-01-1-102"), "api", 2)], "test");
        var billed = (decimal)(await db.DataSource.CreateCommand("select sum(total) from statement where community_code = 'HZ-FXY'").ExecuteScalarAsync())!;

        var rate = await store.CollectionRateAsync(["HZ-FXY"], new YearMonth(2026, 10), new LocalDate(2026, 11, 23));
        var before = await store.CollectionRateAsync(["HZ-FXY"], new YearMonth(2026, 10), new LocalDate(2026, 11, 9));

        Assert.Equal((billed, first + 10.00m), (rate.Billed.Yuan, rate.Collected.Yuan));
        Assert.Equal((first + 10.00m) / billed, rate.Rate);
        Assert.Equal(0.00m, before.Collected.Yuan);
        Assert.True(second > 10.00m);
    }

    [Fact]
    public async Task Arrears_are_listed_by_building_and_unit_with_reminders_and_receipts_in_Chinese()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var store = new PaymentStore(db.DataSource);
        var owed = await StatementTotalAsync(db, Household);
        var paid = await store.RecordAsync([(Pay("r1", owed + 14.08m), "api", 1)], "test");

        var arrears = await store.ArrearsAsync("HZ-FXY", new LocalDate(2026, 11, 23));
        var csv = PaymentDocuments.ArrearsCsv(arrears);
        using var reminders = PdfDocument.Open(PaymentDocuments.ReminderNotices(
            ReminderCommunity.Of(SampleRegister.Communities().Single(c => c.Code.Value == "HZ-FXY")), new LocalDate(2026, 11, 23), arrears,
            await StatementFeeKinds.OnlyPropertyFeeAsync(db.DataSource, "HZ-FXY"), Infrastructure.Documents.DocumentContext.Default));
        using var receipt = PdfDocument.Open(PaymentDocuments.Receipt((await store.ReceiptAsync(paid[0].Id))!));

        // 144 homes, one paid in full: 143 overdue 7 days (due 2026-11-16), in the 0–30 bucket, building 1 first.
        Assert.Equal(143, arrears.Count);
        Assert.DoesNotContain(arrears, a => a.Household == Household);
        Assert.Equal(("1", "1"), (arrears[0].Details.Building, arrears[0].Details.Unit));
        Assert.All(arrears, a => Assert.Equal(a.Position.Open, a.Aging.Days0To30));
        Assert.StartsWith("楼栋,单元,房号,户号", csv, StringComparison.Ordinal);
        Assert.Equal(143, reminders.NumberOfPages);
        var notice = PdfReadBack.TextOf(reminders.GetPage(1));
        Assert.Contains("物业服务费缴费温馨提醒", notice, StringComparison.Ordinal);
        Assert.Contains("已逾期7天", notice, StringComparison.Ordinal);
        var receiptText = PdfReadBack.TextOf(receipt.GetPage(1));
        Assert.Contains("收款收据", receiptText, StringComparison.Ordinal);
        Assert.Contains(ChineseAmount.Capital(new Money(owed + 14.08m)), receiptText, StringComparison.Ordinal);
        Assert.Contains("预存（抵扣以后账单）—14.08", receiptText, StringComparison.Ordinal);
        Assert.Contains("本次收款后余额：预存14.08元", receiptText, StringComparison.Ordinal);
    }
}
