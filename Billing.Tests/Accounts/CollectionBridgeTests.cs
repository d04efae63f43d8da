using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Accounts;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Accounts;

/// <summary>
/// The 明白账 of November 2026 beside the collection report of November, both from PostgreSQL:
/// each step between them is checked against a sum over the statement and payment rows written
/// by hand for what each household did.
/// </summary>
public sealed class CollectionBridgeTests
{
    private const string Community = "HZ-FXY";
    private const string PaysOctoberInNovember = "HZ-FXY-01-1-101";
    private const string PaysAllAndMoreInNovember = "HZ-FXY-01-1-102";
    private const string PaysBothInNovember = "HZ-FXY-01-1-201";
    private const string PaysInDecember = "HZ-FXY-01-1-202";
    private const string PrepaidInOctober = "HZ-FXY-01-1-301";
    private const string ReversedInNovember = "HZ-FXY-01-1-302";
    private const string PaidAndReversedInNovember = "HZ-FXY-01-1-401";
    private static readonly YearMonth November = new(2026, 11);
    private static readonly LocalDate AsOf = new(2026, 12, 31);

    [Fact]
    public async Task The_accounts_collected_figure_follows_from_the_collection_report_step_by_step_and_every_step_is_a_sum_of_rows()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        Assert.Equal(0, await db.CountAsync("select count(*) from payment"));
        var payments = new PaymentStore(db.DataSource);
        async Task<long> PayAsync(string household, decimal amount, LocalDate on) =>
            (await payments.RecordAsync([(new PaymentInput(household, PaymentChannel.Cash, $"{household}-{on:yyyyMMdd}", Money.Of(amount), on), "test", 1)], "test"))[0].Id;
        async Task<decimal> ChargeAsync(string household, string period)
        {
            await using var cmd = db.DataSource.CreateCommand(
                "select e.amount from ledger_entry e join statement s on s.id = e.statement_id where e.kind = 'charge' and s.household_code = @h and s.period = @p::date");
            cmd.Parameters.AddWithValue("h", household);
            cmd.Parameters.AddWithValue("p", period);
            return (decimal)(await cmd.ExecuteScalarAsync())!;
        }

        async Task<decimal> SumAsync(string sql)
        {
            await using var cmd = db.DataSource.CreateCommand(sql);
            return (decimal)(await cmd.ExecuteScalarAsync())!;
        }

        // Before November: one household pays far ahead, another pays and is reversed in November.
        await PayAsync(PrepaidInOctober, 200.00m, new LocalDate(2026, 10, 20));
        var toReverse = await PayAsync(ReversedInNovember, 30.00m, new LocalDate(2026, 10, 25));
        await using (var services = SampleRegister.JobServicesWithRepositoryRules(db))
        {
            await RunMonth.IssueAsync(services, db.DataSource, "2026-11");
        }

        const string oct = "2026-10-01", nov = "2026-11-01";
        await PayAsync(PaysOctoberInNovember, await ChargeAsync(PaysOctoberInNovember, oct), new LocalDate(2026, 11, 5));
        await PayAsync(PaysAllAndMoreInNovember, await ChargeAsync(PaysAllAndMoreInNovember, oct) + await ChargeAsync(PaysAllAndMoreInNovember, nov) + 50.00m, new LocalDate(2026, 11, 6));
        await PayAsync(PaysBothInNovember, await ChargeAsync(PaysBothInNovember, oct) + await ChargeAsync(PaysBothInNovember, nov), new LocalDate(2026, 11, 20));
        await PayAsync(PaysInDecember, await ChargeAsync(PaysInDecember, oct) + await ChargeAsync(PaysInDecember, nov), new LocalDate(2026, 12, 3));
        var paidAndReversed = await PayAsync(PaidAndReversedInNovember, 25.00m, new LocalDate(2026, 11, 8));
        await payments.ReverseAsync(toReverse, "重复收款", new LocalDate(2026, 11, 10));
        await payments.ReverseAsync(paidAndReversed, "金额有误", new LocalDate(2026, 11, 9));
        Assert.True(200.00m - await ChargeAsync(PrepaidInOctober, oct) >= await ChargeAsync(PrepaidInOctober, nov), "the October prepayment covers November");

        // Both documents of November, as of the same day.
        var report = await payments.CollectionRateAsync([Community], November, AsOf);
        var accounts = (await new CommunityAccountsStore(db.DataSource).ReadAsync(Community, November, AsOf))!;
        var bridge = accounts.Input.Collection!;
        decimal Step(string code) => bridge.Steps.Single(s => s.Code == code).Amount.Yuan;

        // What each household did, summed by hand from the rows.
        var paidAfterMonth = await ChargeAsync(PaysInDecember, nov);
        var prepaidBefore = await ChargeAsync(PrepaidInOctober, nov);
        var arrears = await ChargeAsync(PaysOctoberInNovember, oct) + await ChargeAsync(PaysAllAndMoreInNovember, oct) + await ChargeAsync(PaysBothInNovember, oct);
        var novemberByNovemberPayments = await ChargeAsync(PaysAllAndMoreInNovember, nov) + await ChargeAsync(PaysBothInNovember, nov);
        var receivedInNovember = await SumAsync(
            "select sum(p.amount) from payment p join household h on h.code = p.household_code where h.community_code = 'HZ-FXY' and p.paid_on between '2026-11-01' and '2026-11-30'");
        var reversedInNovember = await SumAsync(
            "select sum(p.amount) from payment_reversal r join payment p on p.id = r.payment_id join household h on h.code = p.household_code where h.community_code = 'HZ-FXY' and r.reversed_on between '2026-11-01' and '2026-11-30'");

        Assert.Equal(report.Collected, bridge.ReportCollected);
        Assert.Equal(report.Billed, bridge.ReportBilled);
        Assert.Equal(novemberByNovemberPayments + paidAfterMonth + prepaidBefore, bridge.ReportCollected.Yuan);
        Assert.Equal(-paidAfterMonth, Step(CollectionBridge.PaidAfterMonth));
        Assert.Equal(-prepaidBefore, Step(CollectionBridge.PrepaidBefore));
        Assert.Equal(arrears, Step(CollectionBridge.ArrearsPaid));
        Assert.Equal(50.00m, Step(CollectionBridge.Prepaid));
        Assert.Equal(25.00m, Step(CollectionBridge.ReversedLater));
        Assert.Equal(-55.00m, Step(CollectionBridge.ReversalsInMonth));
        Assert.Equal(-reversedInNovember, Step(CollectionBridge.ReversalsInMonth));
        Assert.Equal(receivedInNovember - reversedInNovember, bridge.AccountsCollected.Yuan);
        Assert.Equal(accounts.Input.ResidentFees.Collected, bridge.AccountsCollected);
        Assert.Equal(Money.Zero, bridge.Unexplained);
        Assert.False(bridge.Agrees);
        Assert.Equal(accounts.Income.Single(l => l.Source == IncomeSource.ResidentFees).Amount, bridge.ResidentFees);
        Assert.Equal(accounts.Income.Single(l => l.Source == IncomeSource.ResidentParking).Amount, bridge.Parking);

        // The notice prints each step with its figure.
        var text = PdfReadBack.TextOf(Keep.Document("accounts-HZ-FXY-2026-11-collection.pdf", CommunityAccountsPdf.Render(accounts)));
        Assert.Contains($"收缴率报表：2026年11月对账单已收回（截至2026年12月31日，应收{report.Billed.ToFenString()}）{report.Collected.ToFenString()}", text, StringComparison.Ordinal);
        Assert.Contains($"减：2026年11月对账单在11月结束后才缴的部分{Money.Of(-paidAfterMonth).ToFenString()}", text, StringComparison.Ordinal);
        Assert.Contains($"加：11月内补缴以前月份欠费{Money.Of(arrears).ToFenString()}", text, StringComparison.Ordinal);
        Assert.Contains($"2026年11月实收（本表）{bridge.AccountsCollected.ToFenString()}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_month_paid_within_itself_only_for_its_own_statements_agrees_with_the_report()
    {
        var october = new YearMonth(2026, 10);
        var charges = new[] { new Charge(1, october, new LocalDate(2026, 10, 1), new LocalDate(2026, 10, 31), Money.Of(42.24m)) };
        var paid = new[] { new Payment(7, PaymentChannel.Cash, "r", new LocalDate(2026, 10, 12), Money.Of(42.24m), Reversed: false) };
        var fees = new ResidentFeeFigures(1, Money.Of(42.24m), 1, Money.Of(42.24m), 0, Money.Zero);

        var bridge = CollectionBridge.Build(october, null, [Allocation.Fifo(charges, paid)], [new BridgePayment(7, new LocalDate(2026, 10, 12), Money.Of(42.24m), false)], fees);

        Assert.True(bridge.Agrees);
        Assert.Equal((42.24m, 42.24m), (bridge.ReportCollected.Yuan, bridge.AccountsCollected.Yuan));
        Assert.Contains("与收缴率报表一致", CommunityAccounts.Assemble(new CommunityAccountsInput(
            new Core.Register.CommunityCode("HZ-FXY"), "丰鑫园小区", "天创金源物业公司", october, fees, new SubsidyFigures(0, Money.Zero, Money.Zero, null), null, [])
        { Collection = bridge }).Income[0].Basis.Last(), StringComparison.Ordinal);
    }
}
