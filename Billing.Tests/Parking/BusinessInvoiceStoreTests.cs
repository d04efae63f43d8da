using RedProperty.Billing.Core.Runs;
using System.Security.Cryptography;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;
using Interval = NodaTime.Interval;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>
/// 丰鑫园小区 in October 2026: 鑫源便利店 leases by the month (2 × 300.00 = 600.00);
/// 城东物流 books A-003 on 8 Oct 09:00–12:30 and 9 Oct 08:00–08:20 (3⅚ h × 5.00 = 19.1666… → 19.17).
/// The community's lease income is 619.17.
/// </summary>
internal static class OctoberLeases
{
    public static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    public static readonly YearMonth October = new(2026, 10);

    public static ParkingRateBook Book => RateDirectory.LoadParking(RepositoryPaths.Rates);

    public static Interval At(int day, int fromHour, int fromMinute, int toHour, int toMinute) =>
        new(new LocalDateTime(2026, 10, day, fromHour, fromMinute).InZoneStrictly(Shanghai).ToInstant(),
            new LocalDateTime(2026, 10, day, toHour, toMinute).InZoneStrictly(Shanghai).ToInstant());

    public static async Task<(long Shop, long Company)> SetUpAsync(NpgsqlDataSource db)
    {
        var store = new LeaseStore(db);
        var rates = Book.For("TCJY", new LocalDate(2026, 10, 1))!;
        CreditCode.TryParse("91350100M000100Y43", out var shopCode, out _);
        CreditCode.TryParse("91110000802100433B", out var companyCode, out _);
        var shop = await store.AddBusinessAsync("鑫源便利店", "张老板 13800000000", shopCode);
        var company = await store.AddBusinessAsync("城东物流有限公司", "李经理 13900000000", companyCode);
        var daytime = rates.Daytime.Occurrences(October, rates.Calendar, Shanghai).ToList();
        for (var i = 1; i <= 3; i++)
        {
            var space = await store.AddSpaceAsync("HZ-FXY", $"A-00{i}");
            await store.PermitAsync(space, new[] { "HZ-FXY-01-1-101", "HZ-FXY-01-1-102", "HZ-FXY-01-1-201" }[i - 1], new LocalDate(2026, 1, 1), null);
            await store.ReleaseAsync(space, daytime, "业主");
            if (i < 3)
            {
                await store.LeaseAsync(space, shop, "monthly", daytime, rates);
            }
            else
            {
                await store.LeaseAsync(space, company, "one-off", [At(8, 9, 0, 12, 30), At(9, 8, 0, 8, 20)], rates);
            }
        }

        return (shop, company);
    }
}

/// <summary>Business invoices on PostgreSQL: issued once, never edited, adding up to the pool's lease income.</summary>
public class BusinessInvoiceStoreTests
{
    private static async Task<decimal> ScalarAsync(TestDatabase db, string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task October_invoices_are_600_and_19_17_and_add_up_to_the_619_17_the_pool_stores()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var (shop, company) = await OctoberLeases.SetUpAsync(db.DataSource);
        var store = new BusinessInvoiceStore(db.DataSource);

        var first = await store.IssueAsync("HZ-FXY", OctoberLeases.October, OctoberLeases.Book, OctoberLeases.Shanghai);
        var again = await store.IssueAsync("HZ-FXY", OctoberLeases.October, OctoberLeases.Book, OctoberLeases.Shanghai);
        await using (var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), parking: OctoberLeases.Book))
        {
            await RunMonth.IssueAsync(services, db.DataSource, "2026-10");
        }

        var month = await new LeaseStore(db.DataSource).MonthAsync("HZ-FXY", "TCJY", OctoberLeases.October, OctoberLeases.Book, OctoberLeases.Shanghai);
        var shopInvoice = (await store.GetAsync("HZ-FXY", OctoberLeases.October, shop))!;
        var companyInvoice = (await store.GetAsync("HZ-FXY", OctoberLeases.October, company))!;

        Assert.Equal(new InvoiceIssue(2, 0), first);
        Assert.Equal(new InvoiceIssue(0, 2), again);
        Assert.Equal((600.00m, 19.17m), (shopInvoice.Model.Total.Yuan, companyInvoice.Model.Total.Yuan));
        Assert.Equal(619.17m, await ScalarAsync(db, "select sum(total) from business_invoice where community_code = 'HZ-FXY' and period = '2026-10-01'"));
        Assert.Equal(619.17m, month!.LeaseIncome.Yuan);
        Assert.Equal(619.17m, await ScalarAsync(db, "select lease_income from parking_pool where community_code = 'HZ-FXY' and period = '2026-10-01'"));
        Assert.Equal($"PK-HZ-FXY-202610-{shop:D6}", shopInvoice.Model.InvoiceNo);
        Assert.Equal((new LocalDate(2026, 11, 1), new LocalDate(2026, 11, 16)), (shopInvoice.Model.IssueDate, shopInvoice.Model.DueDate));
        Assert.Equal(["A-001", "A-002"], shopInvoice.Model.Lines.Select(l => l.Space));
        Assert.All(shopInvoice.Model.Lines, l => Assert.Equal(("tcjy-parking@2022-01-01", "monthly"), (l.RateVersion, l.PriceBasis)));
        Assert.Equal("车位 A-001 包月 2026年10月（18 个时段，180 小时）：300.00 元/月", shopInvoice.Model.Lines[0].Formula);
        Assert.Equal("车位 A-003 计时 约 3.8333 小时（2 个时段）× 5.00 元/小时 = 19.17 元（四舍五入到分）", companyInvoice.Model.Lines[0].Formula);
        Assert.Equal(23m / 6m, companyInvoice.Model.Lines[0].Hours);
    }

    [Fact]
    public async Task Eight_runs_at_once_issue_each_invoice_once()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await OctoberLeases.SetUpAsync(db.DataSource);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            new BusinessInvoiceStore(db.DataSource).IssueAsync("HZ-FXY", OctoberLeases.October, OctoberLeases.Book, OctoberLeases.Shanghai)));

        Assert.Equal(2, results.Sum(r => r.Issued));
        Assert.All(results, r => Assert.Equal(2, r.Issued + r.Existing));
        Assert.Equal(2, await db.CountAsync("select count(*) from business_invoice"));
        Assert.Equal(3, await db.CountAsync("select count(*) from business_invoice_line"));
    }

    [Fact]
    public async Task An_issued_invoice_is_never_edited_and_its_month_takes_no_new_lease()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var (shop, company) = await OctoberLeases.SetUpAsync(db.DataSource);
        await new BusinessInvoiceStore(db.DataSource).IssueAsync("HZ-FXY", OctoberLeases.October, OctoberLeases.Book, OctoberLeases.Shanghai);
        var leases = new LeaseStore(db.DataSource);
        var space = await leases.AddSpaceAsync("HZ-FXY", "A-009");
        await leases.ReleaseAsync(space, [OctoberLeases.At(12, 8, 0, 18, 0), OctoberLeases.At(12, 8, 0, 18, 0).WithMonth(11)], "业主");

        async Task<PostgresException> RefusedAsync(string sql)
        {
            await using var cmd = db.DataSource.CreateCommand(sql);
            return await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        }

        var total = await RefusedAsync("update business_invoice set total = 0");
        var line = await RefusedAsync("delete from business_invoice_line");
        var late = await Assert.ThrowsAsync<LeaseConflictException>(() => leases.LeaseAsync(space, shop, "one-off", [OctoberLeases.At(12, 9, 0, 10, 0)]));
        await leases.LeaseAsync(space, company, "one-off", [OctoberLeases.At(12, 9, 0, 10, 0).WithMonth(11)]);

        Assert.Contains("never edited", total.MessageText, StringComparison.Ordinal);
        Assert.Contains("never edited", line.MessageText, StringComparison.Ordinal);
        Assert.Contains("2026-10 is already billed", late.Message, StringComparison.Ordinal);
        Assert.Equal(619.17m, await ScalarAsync(db, "select sum(total) from business_invoice"));
    }

    [Fact]
    public async Task The_invoice_PDF_is_in_Chinese_with_the_capital_amount_and_its_SHA_256()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var (shop, _) = await OctoberLeases.SetUpAsync(db.DataSource);
        var store = new BusinessInvoiceStore(db.DataSource);
        await store.IssueAsync("HZ-FXY", OctoberLeases.October, OctoberLeases.Book, OctoberLeases.Shanghai);

        var (pdf, sha, number) = (await store.PdfAsync("HZ-FXY", OctoberLeases.October, shop))!.Value;
        using var document = PdfDocument.Open(pdf);
        var text = PdfReadBack.TextOf(document.GetPage(1));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pdf)), sha);
        Assert.Equal(1, document.NumberOfPages);
        foreach (var expected in new[] { "共享停车费账单", number, "鑫源便利店", "91350100M000100Y43", "2026年10月", "车位A-001包月", "300.00", "¥600.00", "陆佰元整", "收费标准：天创金源物业共享停车收费标准；出租时段：工作日08:00–18:00", "不是增值税发票", "收款账户", "账号：15430101040012345", "电话0530-5311001" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Payments_settle_an_invoice_once_by_reference()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var (shop, _) = await OctoberLeases.SetUpAsync(db.DataSource);
        var store = new BusinessInvoiceStore(db.DataSource);
        await store.IssueAsync("HZ-FXY", OctoberLeases.October, OctoberLeases.Book, OctoberLeases.Shanghai);
        Task<RecordedBusinessPayment?> Pay(PaymentChannel channel, string reference, decimal amount) =>
            store.PayAsync("HZ-FXY", OctoberLeases.October, shop, new BusinessPaymentInput(channel, reference, new Money(amount), new LocalDate(2026, 11, 5)), "test");

        var first = (await Pay(PaymentChannel.BankTransfer, "B-20261105-01", 250.00m))!;
        var repeated = (await Pay(PaymentChannel.BankTransfer, "B-20261105-01", 250.00m))!;
        var otherDetails = await Assert.ThrowsAsync<BusinessPaymentConflictException>(() => Pay(PaymentChannel.BankTransfer, "B-20261105-01", 100.00m));
        var rest = (await Pay(PaymentChannel.WeChatPay, "WX-1", 350.00m))!;
        var none = await store.PayAsync("HZ-FXY", OctoberLeases.October.PlusMonths(1), shop, new BusinessPaymentInput(PaymentChannel.Cash, "C-1", new Money(1m), new LocalDate(2026, 11, 5)), "test");
        var invoice = (await store.GetAsync("HZ-FXY", OctoberLeases.October, shop))!;

        Assert.Equal((false, 350.00m), (first.Duplicate, first.Balance.Open.Yuan));
        Assert.Equal((true, first.Id, 350.00m), (repeated.Duplicate, repeated.Id, repeated.Balance.Open.Yuan));
        Assert.Contains("already recorded", otherDetails.Message, StringComparison.Ordinal);
        Assert.Equal((0.00m, true, 0.00m), (rest.Balance.Open.Yuan, rest.Balance.Settled, rest.Credit.Yuan));
        Assert.Null(none);
        Assert.Equal(2, invoice.Payments.Count);
        Assert.Equal((600.00m, 600.00m, 0.00m), (invoice.Balance.Total.Yuan, invoice.Balance.Paid.Yuan, invoice.Balance.Open.Yuan));
    }

    /// <summary>A line's price basis this version does not know is refused, not shown as hourly.</summary>
    [Fact]
    public async Task An_unknown_price_basis_on_an_invoice_line_is_an_error_naming_the_column_and_the_word()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var (shop, _) = await OctoberLeases.SetUpAsync(db.DataSource);
        var store = new BusinessInvoiceStore(db.DataSource);
        await store.IssueAsync("HZ-FXY", OctoberLeases.October, OctoberLeases.Book, OctoberLeases.Shanghai);
        await using (var corrupt = db.DataSource.CreateCommand(
            $"""
            alter table business_invoice_line disable trigger business_invoice_line_is_immutable;
            alter table business_invoice_line drop constraint business_invoice_line_price_basis_check;
            update business_invoice_line set price_basis = 'daily' where invoice_id = (select id from business_invoice where business_id = {shop});
            """))
        {
            await corrupt.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("HZ-FXY", OctoberLeases.October, shop));

        Assert.Equal("The database holds 'daily' in business_invoice_line.price_basis, which this version does not know as a price basis.", error.Message);
    }
}

internal static class IntervalMonths
{
    /// <summary>The same local times in another month of 2026, for a second month's slot.</summary>
    public static Interval WithMonth(this Interval slot, int month)
    {
        var zone = OctoberLeases.Shanghai;
        LocalDateTime Move(Instant i) => i.InZone(zone).LocalDateTime.With(d => new LocalDate(2026, month, d.Day));
        return new Interval(Move(slot.Start).InZoneStrictly(zone).ToInstant(), Move(slot.End).InZoneStrictly(zone).ToInstant());
    }
}
