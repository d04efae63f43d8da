using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Accounts;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Subsidies;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Accounts;

/// <summary>The accounts of 丰鑫园小区 for October 2026, read from the billed Heze sample on a real PostgreSQL.</summary>
public sealed class CommunityAccountsStoreTests : IAsyncLifetime
{
    private const string Community = "HZ-FXY";
    private static readonly YearMonth October = new(2026, 10);
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private CommunityAccountsStore Store => new(_db.DataSource);

    private static AccountsEntryInput Entry(AccountsCategory category, decimal amount, string reference, string description, long? corrects = null) =>
        new(Community, October, category, Money.Of(amount), reference, description, new LocalDate(2026, 10, 31), corrects);

    private async Task<decimal> SumAsync(string sql)
    {
        await using var cmd = _db.DataSource.CreateCommand(sql);
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Payments in and out of October, a lease pool with a carry, staff entries with a correction.</summary>
    private async Task<(long Repairs, long Correction)> FillOctoberAsync()
    {
        var payments = new PaymentStore(_db.DataSource);
        var recorded = await payments.RecordAsync(
        [
            (new PaymentInput("HZ-FXY-01-1-101", PaymentChannel.WeChatPay, "WX-1", Money.Of(33.51m), new LocalDate(2026, 10, 20)), "test", 1),
            (new PaymentInput("HZ-FXY-01-1-102", PaymentChannel.Cash, "C-1", Money.Of(50.00m), new LocalDate(2026, 10, 25)), "test", 2),
            (new PaymentInput("HZ-FXY-01-1-201", PaymentChannel.Alipay, "A-1", Money.Of(12.34m), new LocalDate(2026, 10, 26)), "test", 3),
            (new PaymentInput("HZ-FXY-01-1-101", PaymentChannel.WeChatPay, "WX-2", Money.Of(99.00m), new LocalDate(2026, 11, 1)), "test", 4), // November: not October's
            (new PaymentInput("HZ-SWJSY-01-1-101", PaymentChannel.Cash, "C-2", Money.Of(77.00m), new LocalDate(2026, 10, 5)), "test", 5), // another community
        ], "test");
        await payments.ReverseAsync(recorded[2].Id, "退款：重复缴费", new LocalDate(2026, 10, 28));

        await using (var cmd = _db.DataSource.CreateCommand(
            "insert into parking_pool (community_code, period, lease_income, carry_in, used, carry_out, rate_version) values ('HZ-FXY', '2026-10-01', 320.00, 30.00, 230.00, 120.00, 'duyun@2022-01-01')"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        await Store.RecordAsync(Entry(AccountsCategory.Charging, 45.60m, "CD-2026-10", "电动车充电桩 10 月电费收入"), "test");
        await Store.RecordAsync(Entry(AccountsCategory.OtherIncome, 100.00m, "QT-01", "废品回收"), "test");
        await Store.RecordAsync(Entry(AccountsCategory.Salaries, 3000.00m, "GZ-10", "保洁员、门卫 10 月工资"), "test");
        var repairs = await Store.RecordAsync(Entry(AccountsCategory.Repairs, 500.00m, "WX-10-1", "3 号楼下水管更换"), "test");
        var correction = await Store.RecordAsync(Entry(AccountsCategory.Repairs, -120.50m, "WX-10-1-更正", "更正：发票金额 379.50 元", repairs.Entry.Id), "test");
        return (repairs.Entry.Id, correction.Entry.Id);
    }

    [Fact]
    public async Task Every_figure_of_the_month_matches_its_source_in_the_database()
    {
        await FillOctoberAsync();

        var accounts = (await Store.ReadAsync(Community, October))!;

        var billed = await SumAsync("select sum(total) from statement where community_code = 'HZ-FXY' and period = '2026-10-01'");
        var statements = await _db.CountAsync("select count(*) from statement where community_code = 'HZ-FXY' and period = '2026-10-01'");
        var districtShare = await SumAsync("select sum(district_amount) from district_invoice_line where community_code = 'HZ-FXY' and period = '2026-10-01'");
        var invoiceLines = await _db.CountAsync("select count(*) from district_invoice_line where community_code = 'HZ-FXY' and period = '2026-10-01'");
        Assert.True(billed > 0m && districtShare > 0m, "the seed bills October with the Heze subsidy");

        var fees = accounts.Input.ResidentFees;
        Assert.Equal(billed, fees.Billed.Yuan);
        Assert.Equal(statements, fees.Statements);
        Assert.Equal(3, fees.Payments);
        Assert.Equal(33.51m + 50.00m + 12.34m, fees.Paid.Yuan);
        Assert.Equal(12.34m, fees.Reversed.Yuan);

        var income = accounts.Income.ToDictionary(l => l.Source, l => l.Amount.Yuan);
        Assert.Equal(83.51m, income[IncomeSource.ResidentFees]);
        Assert.Equal(0.00m, income[IncomeSource.DistrictSubsidy]); // no score yet: 待考核, nothing counted
        Assert.Equal(0.00m, income[IncomeSource.ResidentParking]);
        Assert.Equal(invoiceLines, accounts.Input.Subsidy.Lines);
        Assert.Equal(320.00m, income[IncomeSource.ParkingLeases]);
        Assert.Equal(45.60m, income[IncomeSource.Charging]);
        Assert.Equal(100.00m, income[IncomeSource.Other]);
        Assert.Equal(120.00m, accounts.CarriedToNextMonth.Yuan);

        Assert.Equal(83.51m + 320.00m + 45.60m + 100.00m, accounts.TotalIncome.Yuan);
        Assert.Equal(3000.00m + 379.50m, accounts.TotalSpending.Yuan);
        Assert.Equal(accounts.TotalIncome.Yuan - 3379.50m, accounts.Balance.Yuan);
        Assert.Equal(
            await SumAsync("select sum(amount) from community_account_entry where community_code = 'HZ-FXY' and period = '2026-10-01' and direction = 'spending'"),
            accounts.TotalSpending.Yuan);
    }

    [Fact]
    public async Task Before_a_claim_the_subsidy_counts_what_the_score_in_force_pays()
    {
        var subsidies = new SubsidyStore(_db.DataSource, RateDirectory.LoadSubsidies(RepositoryPaths.Rates));
        await subsidies.RecordScoresAsync([(new ScoreRow(Community, new YearMonth(2026, 1), 85m), "test", 1)]);
        var share = await SumAsync("select sum(district_amount) from district_invoice_line where community_code = 'HZ-FXY' and period = '2026-10-01'");

        var subsidy = (await Store.ReadAsync(Community, October))!.Income.Single(l => l.Source == IncomeSource.DistrictSubsidy);

        // 85 points pays 90 % in the 2024 bands: the share × 0.9, rounded once.
        Assert.Equal(decimal.Round(share * 0.9m, 2, MidpointRounding.AwayFromZero), subsidy.Amount.Yuan);
        Assert.Contains(subsidy.Basis, b => b.Contains("2026年1月考核", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Once_the_claim_is_submitted_the_subsidy_counts_the_claimed_amount()
    {
        var subsidies = new SubsidyStore(_db.DataSource, RateDirectory.LoadSubsidies(RepositoryPaths.Rates));
        await subsidies.RecordScoresAsync([(new ScoreRow(Community, October, 85m), "test", 1)]);
        var claim = await subsidies.SubmitClaimAsync(Community, October);

        var accounts = (await Store.ReadAsync(Community, October))!;

        var subsidy = accounts.Income.Single(l => l.Source == IncomeSource.DistrictSubsidy);
        Assert.Equal(claim.Claim!.Value.Yuan, subsidy.Amount.Yuan);
        Assert.Equal(await SumAsync("select claim_amount from subsidy_claim where community_code = 'HZ-FXY' and period = '2026-10-01'"), subsidy.Amount.Yuan);
        Assert.True(subsidy.Amount < accounts.Input.Subsidy.DistrictShare, "a score of 85 pays less than the whole district share");
        Assert.Contains("补贴申报单（第", subsidy.Trace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_notice_pdf_shows_the_community_the_month_every_source_the_carry_and_the_totals()
    {
        await FillOctoberAsync();
        var accounts = (await Store.ReadAsync(Community, October))!;

        var pdf = Keep.Document("accounts-HZ-FXY-2026-10.pdf", CommunityAccountsPdf.Render(accounts));

        var text = PdfReadBack.TextOf(pdf);
        Assert.All(Documents.StatementDocumentTests.InternalWords, w => Assert.DoesNotContain(w, text, StringComparison.Ordinal));
        foreach (var expected in new[]
        {
            "丰鑫园小区收支明白账", "2026年10月", "天创金源物业公司",
            "居民物业服务费", "83.51", $"本月对账单应收物业服务费{accounts.Input.ResidentFees.Billed.ToFenString()}元", "居民停车费",
            "区财政补贴（待考核）", accounts.Input.Subsidy.DistrictShare.ToFenString(), "数据来源：区财政补贴明细（2026年10月）",
            "共享停车租金", "320.00", "结转下月：120.00元", "数据来源：共享停车收益池（2026年10月）", "数据来源：本月对账单（2026年10月）、缴费及冲正记录",
            "四、与收缴率报表对照", "收缴率报表：2026年10月对账单已收回",
            "充电收入", "45.60", "其他收入", "100.00",
            "人员工资", "3000.00", "维修", "379.50", "-120.50", "更正第", "保洁", "绿化", "水电公摊",
            "收入合计", accounts.TotalIncome.ToFenString(), "支出合计", "3379.50",
            $"{accounts.TotalIncome.ToFenString()}−3379.50={accounts.Balance.ToFenString()}",
        })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Recording_the_same_voucher_again_changes_nothing_and_other_details_are_refused()
    {
        var first = await Store.RecordAsync(Entry(AccountsCategory.Cleaning, 800.00m, "BJ-10", "保洁外包 10 月"), "test");
        var again = await Store.RecordAsync(Entry(AccountsCategory.Cleaning, 800.00m, "BJ-10", "保洁外包 10 月"), "test");
        var conflict = await Assert.ThrowsAsync<InputRejectedException>(() => Store.RecordAsync(Entry(AccountsCategory.Cleaning, 900.00m, "BJ-10", "保洁外包 10 月"), "test"));

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Entry.Id, again.Entry.Id);
        Assert.Equal(("reference", "accounts.reference.conflict"), (conflict.Errors[0].Field, conflict.Errors[0].Code));
        Assert.Equal(1, await _db.CountAsync("select count(*) from community_account_entry"));
    }

    [Fact]
    public async Task A_correction_must_name_an_entry_of_the_same_category_and_cannot_go_below_zero()
    {
        var (repairs, _) = await FillOctoberAsync();

        var otherCategory = await Assert.ThrowsAsync<InputRejectedException>(() => Store.RecordAsync(Entry(AccountsCategory.Greening, -10.00m, "X-1", "更正", repairs), "test"));
        var unknown = await Assert.ThrowsAsync<InputRejectedException>(() => Store.RecordAsync(Entry(AccountsCategory.Repairs, -10.00m, "X-2", "更正", 999_999), "test"));
        var negative = await Assert.ThrowsAsync<InputRejectedException>(() => Store.RecordAsync(Entry(AccountsCategory.Repairs, -379.51m, "X-3", "更正", repairs), "test"));
        var negativeOriginal = await Assert.ThrowsAsync<InputRejectedException>(() => Store.RecordAsync(Entry(AccountsCategory.Repairs, -1.00m, "X-4", "退款"), "test"));
        var zeroing = await Store.RecordAsync(Entry(AccountsCategory.Repairs, -379.50m, "X-5", "更正：工程取消", repairs), "test");

        Assert.Equal("corrects", otherCategory.Errors[0].Field);
        Assert.Equal("corrects", unknown.Errors[0].Field);
        Assert.Equal(("amount", "accounts.correction.negative"), (negative.Errors[0].Field, negative.Errors[0].Code));
        Assert.Equal("amount", negativeOriginal.Errors[0].Field);
        Assert.False(zeroing.Duplicate);
        Assert.Equal(0m, (await Store.ReadAsync(Community, October))!.Spending.Single(l => l.Category == AccountsCategory.Repairs).Amount.Yuan);
    }

    [Fact]
    public async Task Entries_are_never_edited_or_deleted_in_the_database()
    {
        var (repairs, _) = await FillOctoberAsync();

        await using var update = _db.DataSource.CreateCommand($"update community_account_entry set amount = 1 where id = {repairs}");
        await using var delete = _db.DataSource.CreateCommand($"delete from community_account_entry where id = {repairs}");
        await using var negative = _db.DataSource.CreateCommand(
            "insert into community_account_entry (community_code, period, direction, category, amount, reference, description, entered_on, entered_by) values ('HZ-FXY', '2026-10-01', 'spending', 'repairs', -5, 'R', 'x', '2026-10-31', 't')");

        await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());
        await Assert.ThrowsAsync<PostgresException>(() => negative.ExecuteNonQueryAsync());
    }

    /// <summary>A category this version does not know is refused, not grouped under another.</summary>
    [Fact]
    public async Task An_unknown_category_in_the_database_is_an_error_naming_the_column_and_the_word()
    {
        await using (var corrupt = _db.DataSource.CreateCommand(
            """
            alter table community_account_entry drop constraint community_account_entry_check;
            insert into community_account_entry (community_code, period, direction, category, amount, reference, description, entered_on, entered_by)
            values ('HZ-FXY', '2026-10-01', 'income', 'vending', 12.00, 'SH-1', '自动售货机', '2026-10-31', 'test');
            """))
        {
            await corrupt.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.ReadAsync(Community, October));

        Assert.Equal("The database holds 'vending' in community_account_entry.category, which this version does not know as a category of income.", error.Message);
    }

    [Fact]
    public async Task An_unknown_community_has_no_accounts()
    {
        Assert.Null(await Store.ReadAsync("NO-SUCH", October));
        var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => Store.RecordAsync(Entry(AccountsCategory.Repairs, 1m, "R", "x") with { Community = "NO-SUCH" }, "test"));
        Assert.Equal("community", rejected.Errors[0].Field);
    }
}
