using NodaTime;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Points;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Points;

/// <summary>Points on PostgreSQL with the shipped catalogue (100 points = 10 yuan of fee credit, at most 500 points a month).</summary>
public class PointsStoreTests
{
    private const string Household = "HZ-FXY-01-1-101";
    private static readonly LocalDate Day = new(2026, 10, 20);

    private static PointsStore Store(TestDatabase db) => new(db.DataSource, RateDirectory.LoadPoints(RepositoryPaths.Rates));

    private static async Task EarnAsync(PointsStore store, int times, string service = "elderly-visit", string household = Household)
    {
        for (var i = 0; i < times; i++)
        {
            await store.EarnAsync(household, service, new LocalDate(2026, 10, 1 + i), "楼栋长 李建华");
        }
    }

    [Fact]
    public async Task Redeemed_points_become_a_credit_line_on_the_next_statement()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var store = Store(db);
        await EarnAsync(store, 5, "mediation"); // 5 × 50 = 250 points
        await EarnAsync(store, 1, "mediation", "HZ-FXY-01-1-102");

        var redemption = await store.RedeemAsync(Household, "fee-credit", 200, Day);
        await using (var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates()))
        {
            await RunMonth.IssueAsync(services, db.DataSource, "2026-10");
        }

        Assert.Equal(20.00m, redemption.Credit!.Value.Yuan);
        Assert.Equal(50, (await store.PositionAsync(Household)).Balance);
        // 69.81 m² × 0.48 = 33.51, less the 20.00 credit: 13.51 to pay
        Assert.Equal(13.51m, (decimal)(await db.DataSource.CreateCommand($"select total from statement where household_code = '{Household}'").ExecuteScalarAsync())!);
        Assert.Equal(-20.00m, (decimal)(await db.DataSource.CreateCommand($"select amount from statement_line l join statement s on s.id = l.statement_id where s.household_code = '{Household}' and l.kind = 'points_credit'").ExecuteScalarAsync())!);
        Assert.Equal(1, await db.CountAsync($"select count(*) from points_credit_application where redemption_id = {redemption.Id}"));
        Assert.Equal(1, await db.CountAsync("select count(*) from statement_line where kind = 'points_credit'"));
    }

    [Fact]
    public async Task A_credit_larger_than_the_statement_is_carried_to_the_next_month()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var store = Store(db);
        await EarnAsync(store, 10, "mediation"); // 500 points
        await store.RedeemAsync(Household, "fee-credit", 500, Day); // 50.00 yuan

        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        await RunMonth.IssueAsync(services, db.DataSource, "2026-10");
        await RunMonth.IssueAsync(services, db.DataSource, "2026-11");

        // October 33.51 is fully credited; 16.49 is left for November, which is credited 16.49 of its 33.51.
        var totals = new List<decimal>();
        await using (var cmd = db.DataSource.CreateCommand($"select total from statement where household_code = '{Household}' order by period"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                totals.Add(reader.GetDecimal(0));
            }
        }

        Assert.Equal([0.00m, 17.02m], totals);
        Assert.Equal(50.00m, (decimal)(await db.DataSource.CreateCommand("select sum(amount) from points_credit_application").ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Redeeming_more_than_held_is_refused_and_nothing_changes()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var store = Store(db);
        await EarnAsync(store, 3); // 90 points

        var e = await Assert.ThrowsAsync<PointsRefusedException>(() => store.RedeemAsync(Household, "fee-credit", 100, Day));

        Assert.Contains("does not hold 100 points (balance 90)", e.Message, StringComparison.Ordinal);
        Assert.Equal(90, (await store.PositionAsync(Household)).Balance);
        Assert.Equal(0, await db.CountAsync("select count(*) from points_entry where kind = 'redeem'"));
    }

    [Fact]
    public async Task Parallel_redemptions_never_spend_the_same_points_twice()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var store = Store(db);
        await EarnAsync(store, 10, "mediation"); // 500 points

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            try
            {
                await Store(db).RedeemAsync(Household, "parking-coupon", 50, Day);
                return true;
            }
            catch (PointsRefusedException)
            {
                return false;
            }
        }));

        // The parking coupon is capped at 200 points a month: 4 coupons, whatever the interleaving.
        Assert.Equal(4, attempts.Count(ok => ok));
        Assert.Equal(300, (await store.PositionAsync(Household)).Balance);
        Assert.Equal(300, await db.CountAsync($"select balance from points_account where household_code = '{Household}'"));
        Assert.Equal(4, await db.CountAsync("select count(*) from points_voucher"));
    }

    [Fact]
    public async Task Parallel_redemptions_against_a_small_balance_leave_it_at_zero_not_below()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await EarnAsync(Store(db), 3, "patrol"); // 60 points

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await Store(db).RedeemAsync(Household, "errand", 30, Day);
                return true;
            }
            catch (PointsRefusedException)
            {
                return false;
            }
        }));

        Assert.Equal(2, attempts.Count(ok => ok));
        Assert.Equal(0, (await Store(db).PositionAsync(Household)).Balance);
    }

    [Fact]
    public async Task A_voucher_is_used_once_and_every_point_is_traced_to_its_earning()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var store = Store(db);
        await EarnAsync(store, 2, "patrol"); // 40 points
        var redemption = await store.RedeemAsync(Household, "errand", 30, Day);

        await store.UseVoucherAsync(redemption.Vouchers.Single(), "物业前台 王芳");
        var again = await Assert.ThrowsAsync<PointsRefusedException>(() => store.UseVoucherAsync(redemption.Vouchers.Single(), "someone"));

        Assert.Contains("already used", again.Message, StringComparison.Ordinal);
        Assert.Equal(30, await db.CountAsync($"select sum(points) from points_use where used_by = {redemption.Id}"));
        Assert.Equal(2, await db.CountAsync($"select count(*) from points_use where used_by = {redemption.Id}"));
    }

    [Fact]
    public async Task Points_past_their_expiry_are_written_off_as_ledger_entries()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var store = Store(db);
        await store.EarnAsync(Household, "patrol", new LocalDate(2024, 3, 1), "楼栋长 李建华"); // expires 2026-03-01

        var expired = await store.ExpireAsync(new LocalDate(2026, 3, 2));

        Assert.Equal(20, expired);
        var position = await store.PositionAsync(Household);
        Assert.Equal((20, 0, 20, 0), (position.Earned, position.Redeemed, position.Expired, position.Balance));
        Assert.Equal(0, await store.ExpireAsync(new LocalDate(2026, 3, 2)));
    }
}
