using NodaTime;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Infrastructure;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>A month of shared parking through the monthly job on PostgreSQL, with the Duyun figures.</summary>
public class ParkingMonthTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [Fact]
    public async Task Ten_spaces_leased_for_October_at_300_bring_20_permits_to_the_50_floor_and_carry_1000_into_November()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var store = new LeaseStore(db.DataSource);
        var book = RateDirectory.LoadParking(RepositoryPaths.Rates);
        var rates = book.For("TCJY", new LocalDate(2026, 10, 1))!;
        CreditCode.TryParse("91350100M000100Y43", out var code, out _);
        var business = await store.AddBusinessAsync("鑫源便利店", "张老板", code);
        var october = rates.Daytime.Occurrences(new YearMonth(2026, 10), rates.Calendar, Shanghai).ToList();
        for (var i = 1; i <= 20; i++)
        {
            var space = await store.AddSpaceAsync("HZ-FXY", $"A-{i:D3}");
            var household = $"HZ-FXY-01-{1 + ((i - 1) / 12)}-{1 + (((i - 1) % 12) / 2)}0{1 + ((i - 1) % 2)}";
            await store.PermitAsync(space, household, new LocalDate(2026, 1, 1), null);
            if (i <= 10)
            {
                await store.ReleaseAsync(space, october, "业主");
                await store.LeaseAsync(space, business, "monthly", october, rates);
            }
        }

        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), parking: book);
        await RunMonth.IssueAsync(services, db.DataSource, "2026-10");
        await RunMonth.IssueAsync(services, db.DataSource, "2026-11");

        // October: 10 × 300 = 3000 in; 20 permits × (150 − 50) = 2000 used; 1000 carried.
        // November: no leases; the 1000 carried gives each permit 50, so 100 is due.
        Assert.Equal((3000.00m, 0.00m, 2000.00m, 1000.00m), await PoolAsync(db, "2026-10-01"));
        Assert.Equal((0.00m, 1000.00m, 1000.00m, 0.00m), await PoolAsync(db, "2026-11-01"));

        // The run invoiced the shop for the same ten leases whose income the pool shared: 10 × 300.
        Assert.Equal(1, await db.CountAsync("select count(*) from business_invoice where period = '2026-10-01'"));
        Assert.Equal(1, await db.CountAsync("select count(*) from business_invoice where period = '2026-10-01' and total = 3000.00"));
        Assert.Equal(0, await db.CountAsync("select count(*) from business_invoice where period = '2026-11-01'"));
        Assert.Equal(20, await db.CountAsync("select count(*) from statement_line l join statement s on s.id = l.statement_id where s.period = '2026-10-01' and l.kind = 'parking_pool_reduction' and l.amount = -100.00"));
        Assert.Equal(20, await db.CountAsync("select count(*) from statement_line l join statement s on s.id = l.statement_id where s.period = '2026-11-01' and l.kind = 'parking_pool_reduction' and l.amount = -50.00"));
        Assert.Equal(40, await db.CountAsync("select count(*) from statement_line where kind = 'parking_permit' and amount = 150.00"));

        // A rerun changes nothing, the pool included.
        var rerun = await RunMonth.IssueAsync(services, db.DataSource, "2026-10");
        Assert.Equal(0, rerun.Communities.Sum(c => c.StatementsNew));
        Assert.Equal((3000.00m, 0.00m, 2000.00m, 1000.00m), await PoolAsync(db, "2026-10-01"));
    }

    [Fact]
    public async Task A_space_has_one_resident_permit_holder_at_a_time()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var store = new LeaseStore(db.DataSource);
        var space = await store.AddSpaceAsync("HZ-FXY", "B-001");
        await store.PermitAsync(space, "HZ-FXY-01-1-101", new LocalDate(2026, 1, 1), new LocalDate(2026, 6, 30));

        await store.PermitAsync(space, "HZ-FXY-01-1-102", new LocalDate(2026, 7, 1), null);
        var e = await Assert.ThrowsAsync<LeaseConflictException>(() => store.PermitAsync(space, "HZ-FXY-01-1-201", new LocalDate(2026, 9, 1), null));

        Assert.Contains("already has a resident permit holder", e.Message, StringComparison.Ordinal);
    }

    private static async Task<(decimal, decimal, decimal, decimal)> PoolAsync(TestDatabase db, string period)
    {
        await using var cmd = db.DataSource.CreateCommand($"select lease_income, carry_in, used, carry_out from parking_pool where community_code = 'HZ-FXY' and period = '{period}'");
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no pool stored for {period}");
        return (reader.GetDecimal(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3));
    }
}
