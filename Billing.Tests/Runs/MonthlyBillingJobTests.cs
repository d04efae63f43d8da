using Hangfire;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Runs;

[Collection(HangfireServerCollection.Name)]
public class MonthlyBillingJobTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Running_the_Hangfire_job_twice_stores_exactly_one_statement_per_household_with_the_right_amounts()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        var storage = BillingHangfire.CreateStorage(db.ConnectionString);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        using (var server = BillingHangfire.StartServer(storage, services, "test-worker"))
        {
            var client = new BackgroundJobClient(storage);
            var first = client.Enqueue<MonthlyBillingJob>(j => j.RunAsync("2026-10", CancellationToken.None));
            var firstOutcome = await BillingHangfire.WaitAsync(storage, first, JobTimeout);
            var second = client.Enqueue<MonthlyBillingJob>(j => j.RunAsync("2026-10", CancellationToken.None));
            var secondOutcome = await BillingHangfire.WaitAsync(storage, second, JobTimeout);

            Assert.True(firstOutcome.Succeeded, firstOutcome.Message);
            Assert.True(secondOutcome.Succeeded, secondOutcome.Message);
            Assert.Equal("2026-10: 304 statements issued, 0 already issued", firstOutcome.Message);
            Assert.Equal("2026-10: 0 statements issued, 304 already issued", secondOutcome.Message);
        }

        Assert.Equal(304, await db.CountAsync("select count(*) from statement where period = '2026-10-01'"));
        Assert.Equal(304, await db.CountAsync("select count(distinct household_code) from statement where period = '2026-10-01'"));
        Assert.Equal(304, await db.CountAsync("select count(*) from statement_line"));

        // Hand-computed: 69.81 m² × 0.48 = 33.5088 -> 33.51; 72.65 × 0.48 = 34.872 -> 34.87.
        Assert.Equal(33.51m, await TotalAsync(db, "HZ-FXY-01-1-101"));
        Assert.Equal(34.87m, await TotalAsync(db, "HZ-FXY-01-1-102"));

        // Every stored line can be recomputed from its stored inputs (area × price × days / month
        // days, rounded half away from zero), and every total is the sum of its lines.
        Assert.Equal(0, await db.CountAsync(
            """
            select count(*) from statement_line l
            where l.amount <> round(l.quantity * l.rate * l.share * l.days / l.denominator, 2)
               or l.rate <> 0.48
            """));
        Assert.Equal(0, await db.CountAsync(
            "select count(*) from statement s where s.total <> (select sum(amount) from statement_line l where l.statement_id = s.id)"));

        // The partial months of the sample: moved in on 10 October (22 of 31 days), moved out on 21 October (20 days).
        // 65.69 × 0.48 × 22/31 = 22.377... -> 22.38; 87.12 × 0.48 × 20/31 = 26.979... -> 26.98
        Assert.Equal(22.38m, await TotalAsync(db, "HZ-FXY-06-2-602"));
        Assert.Equal(26.98m, await TotalAsync(db, "HZ-SWJSY-04-2-501"));
    }

    [Fact]
    public async Task Two_runs_of_the_same_month_at_once_never_duplicate_a_statement()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        var rates = SampleRegister.Rates();
        await using var services = BillingHangfire.JobServices(db.DataSource, rates);

        var jobs = Enumerable.Range(0, 3)
            .Select(_ => services.GetService(typeof(MonthlyBillingJob)) as MonthlyBillingJob)
            .Select(job => Task.Run(() => job!.RunAsync("2026-10", CancellationToken.None)))
            .ToArray();
        var results = await Task.WhenAll(jobs);

        Assert.Equal(304, await db.CountAsync("select count(*) from statement"));
        Assert.Equal(304, results.Sum(r => int.Parse(r.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Serve_first_charge_later_a_community_is_not_billed_before_its_billing_start()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        var job = (MonthlyBillingJob)services.GetService(typeof(MonthlyBillingJob))!;

        // 农行家属院 (HZ-NHJSY, 48 homes) is billed from 2022-03-01; the others from 2022-01-01.
        // Of the other 256 homes, HZ-FXY-06-2-602 was not handed over until 2026, so 255 are billed.
        await job.RunAsync("2022-02", CancellationToken.None);

        Assert.Equal(0, await db.CountAsync("select count(*) from statement where community_code = 'HZ-NHJSY'"));
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where household_code = 'HZ-FXY-06-2-602'"));
        Assert.Equal(255, await db.CountAsync("select count(*) from statement"));
    }

    [Fact]
    public async Task An_issued_statement_cannot_be_edited_or_deleted()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        await ((MonthlyBillingJob)services.GetService(typeof(MonthlyBillingJob))!).RunAsync("2026-10", CancellationToken.None);

        var update = await Assert.ThrowsAsync<PostgresException>(() => db.CountAsync("update statement set total = 0 returning 1"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => db.CountAsync("delete from statement_line returning 1"));

        Assert.Contains("never edited", update.MessageText, StringComparison.Ordinal);
        Assert.Contains("never edited", delete.MessageText, StringComparison.Ordinal);
        Assert.Equal(33.51m, await TotalAsync(db, "HZ-FXY-01-1-101"));
    }

    [Fact]
    public async Task A_community_whose_level_has_no_price_fails_the_run_but_the_others_are_billed()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync();
        await SampleRegister.ImportAsync(db);
        await db.CountAsync("insert into community_level (community_code, effective_from, service_level) values ('HZ-SWJSY', '2026-10-01', '3星') returning 1");
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        var job = (MonthlyBillingJob)services.GetService(typeof(MonthlyBillingJob))!;

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => job.RunAsync("2026-10", CancellationToken.None));

        Assert.Contains("no price for service level 3星", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where community_code = 'HZ-SWJSY'"));
        Assert.Equal(224, await db.CountAsync("select count(*) from statement"));
    }

    private static async Task<decimal> TotalAsync(TestDatabase db, string household)
    {
        await using var cmd = db.DataSource.CreateCommand("select total from statement where household_code = @h and period = @p");
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("p", new LocalDate(2026, 10, 1));
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }
}
