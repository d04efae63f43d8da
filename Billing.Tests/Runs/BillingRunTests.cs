using Hangfire;
using Npgsql;
using NodaTime;
using NodaTime.Testing;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;
using UglyToad.PdfPig;

namespace RedProperty.Billing.Tests.Runs;

[Collection(HangfireServerCollection.Name)]
public class BillingRunTests
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_run_drafts_through_Hangfire_issues_nothing_until_approved_and_a_second_run_adds_nothing()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var storage = BillingHangfire.CreateStorage(db.ConnectionString);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), storage: storage);
        var runs = new BillingRuns(db.DataSource);
        var client = new BackgroundJobClient(storage);
        RunView first, second;
        using (BillingHangfire.StartServer(storage, services, "test-worker"))
        {
            var created = await runs.CreateAsync(new RunRequest(new YearMonth(2026, 10), "TCJY", null, "clerk", RunTrigger.Api));
            BillingRuns.EnqueueDrafts(client, created.RunId, created.Communities);
            var draft = await runs.WaitAsync(created.RunId, BillingRuns.Drafted, RunTimeout);

            // The draft is reviewable, per community and line kind, and residents see nothing yet.
            Assert.Equal("draft", draft.Status);
            Assert.Equal(["HZ-FXY", "HZ-NHJSY", "HZ-SGHJSY", "HZ-SWJSY"], draft.Communities.Select(c => c.Community));
            Assert.Equal(304, draft.HouseholdsTotal);
            Assert.All(draft.Communities, c => Assert.Equal("property_fee", Assert.Single(c.Totals).Kind));
            Assert.Equal(0, await db.CountAsync("select count(*) from statement"));

            BillingRuns.EnqueueIssues(client, created.RunId, await runs.ApproveAsync(created.RunId, "财务 王"));
            first = await runs.WaitAsync(created.RunId, BillingRuns.Issued, RunTimeout);

            var again = await runs.CreateAsync(new RunRequest(new YearMonth(2026, 10), "TCJY", null, "clerk", RunTrigger.Api));
            BillingRuns.EnqueueDrafts(client, again.RunId, again.Communities);
            await runs.WaitAsync(again.RunId, BillingRuns.Drafted, RunTimeout);
            BillingRuns.EnqueueIssues(client, again.RunId, await runs.ApproveAsync(again.RunId, "财务 王"));
            second = await runs.WaitAsync(again.RunId, BillingRuns.Issued, RunTimeout);
        }

        Assert.Equal(("issued", "财务 王", 304, 304, 0), (first.Status, first.ApprovedBy, first.HouseholdsDone, first.Communities.Sum(c => c.StatementsNew), first.Communities.Sum(c => c.StatementsExisting)));
        Assert.Equal(("issued", 0, 304), (second.Status, second.Communities.Sum(c => c.StatementsNew), second.Communities.Sum(c => c.StatementsExisting)));
        Assert.Equal(304, await db.CountAsync("select count(*) from statement where period = '2026-10-01'"));
        Assert.Equal(304, await db.CountAsync("select count(distinct household_code) from statement where period = '2026-10-01'"));
        Assert.Equal(304, await db.CountAsync("select count(*) from statement_line"));
        Assert.Equal(304, await db.CountAsync($"select count(*) from statement where run_id = {first.Id}"));

        // What was approved is what was issued: the draft totals equal the stored statements.
        Assert.Equal(first.Total.Yuan, await SumAsync(db, "select sum(total) from statement"));

        // Hand-computed: 69.81 m² × 0.48 = 33.5088 -> 33.51; 72.65 × 0.48 = 34.872 -> 34.87.
        Assert.Equal(33.51m, await TotalAsync(db, "HZ-FXY-01-1-101"));
        Assert.Equal(34.87m, await TotalAsync(db, "HZ-FXY-01-1-102"));

        // Every stored line can be recomputed from its stored inputs, and every total is the sum of its lines.
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
    public async Task Three_runs_of_the_same_month_at_once_never_duplicate_a_statement()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => RunMonth.IssueAsync(services, db.DataSource, "2026-10"))));

        Assert.All(runs, r => Assert.Equal("issued", r.Status));
        Assert.Equal(304, await db.CountAsync("select count(*) from statement"));
        Assert.Equal(304, await db.CountAsync("select count(*) from ledger_entry where kind = 'charge'"));
        Assert.Equal(304, runs.Sum(r => r.Communities.Sum(c => c.StatementsNew)));
        Assert.All(runs, r => Assert.Equal(304, r.Communities.Sum(c => c.StatementsNew + c.StatementsExisting)));
    }

    [Fact]
    public async Task Serve_first_charge_later_a_community_is_not_billed_before_its_billing_start()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());

        // 农行家属院 (HZ-NHJSY, 48 homes) is billed from 2022-03-01; the others from 2022-01-01.
        // Of the other 256 homes, HZ-FXY-06-2-602 was not handed over until 2026, so 255 are billed.
        var run = await RunMonth.IssueAsync(services, db.DataSource, "2022-02");

        Assert.Equal(0, run.Communities.Single(c => c.Community == "HZ-NHJSY").HouseholdsTotal);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where community_code = 'HZ-NHJSY'"));
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where household_code = 'HZ-FXY-06-2-602'"));
        Assert.Equal(255, await db.CountAsync("select count(*) from statement"));
    }

    [Fact]
    public async Task An_issued_statement_cannot_be_edited_or_deleted()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleBilledOctober);
        var before = await TotalAsync(db, "HZ-FXY-01-1-101");

        var update = await Assert.ThrowsAsync<PostgresException>(() => db.CountAsync("update statement set total = 0 returning 1"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => db.CountAsync("delete from statement_line returning 1"));

        Assert.Contains("never edited", update.MessageText, StringComparison.Ordinal);
        Assert.Contains("never edited", delete.MessageText, StringComparison.Ordinal);
        Assert.Equal(26.53m, before); // 33.51 less the Heze subsidy the seed bills with
        Assert.Equal(before, await TotalAsync(db, "HZ-FXY-01-1-101"));
    }

    [Fact]
    public async Task A_community_that_cannot_be_drafted_blocks_approval_and_a_run_without_it_issues_the_others()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await db.CountAsync("insert into community_level (community_code, effective_from, service_level) values ('HZ-SWJSY', '2026-10-01', '3星') returning 1");
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        var runs = new BillingRuns(db.DataSource);

        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-10");
        var refused = await Assert.ThrowsAsync<RunStateException>(() => runs.ApproveAsync(draft.Id, "财务 王"));
        var others = await RunMonth.IssueAsync(services, db.DataSource, "2026-10", ["HZ-FXY", "HZ-NHJSY", "HZ-SGHJSY"]);

        Assert.Equal("failed", draft.Communities.Single(c => c.Community == "HZ-SWJSY").Status);
        Assert.Contains("no price for service level 3星", draft.Communities.Single(c => c.Community == "HZ-SWJSY").Problem, StringComparison.Ordinal);
        Assert.Contains("HZ-SWJSY failed", refused.Message, StringComparison.Ordinal);
        Assert.Equal("issued", others.Status);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where community_code = 'HZ-SWJSY'"));
        Assert.Equal(224, await db.CountAsync("select count(*) from statement"));
    }

    [Fact]
    public async Task A_draft_whose_inputs_change_before_issue_is_not_issued()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-10");

        // Someone moves a household out mid-October after the draft was reviewed.
        await db.CountAsync("insert into occupancy (household_code, effective_from, status) values ('HZ-FXY-01-1-101', '2026-10-16', 'not-billed') returning 1");
        var issued = await RunMonth.ApproveAndIssueAsync(services, db.DataSource, draft.Id);

        var fxy = issued.Communities.Single(c => c.Community == "HZ-FXY");
        Assert.Equal("failed", fxy.Status);
        Assert.Contains("changed since this draft was approved", fxy.Problem, StringComparison.Ordinal);
        Assert.Equal("approved", issued.Status);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where community_code = 'HZ-FXY'"));
        Assert.Equal(304L - draft.Communities.Single(c => c.Community == "HZ-FXY").HouseholdsTotal!.Value, await db.CountAsync("select count(*) from statement"));
    }

    [Fact]
    public async Task Runs_move_only_forward_draft_approved_issued()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        var runs = new BillingRuns(db.DataSource);

        var drafting = await runs.CreateAsync(new RunRequest(new YearMonth(2026, 10), "TCJY", ["HZ-FXY"], "clerk", RunTrigger.Api));
        var tooEarly = await Assert.ThrowsAsync<RunStateException>(() => runs.ApproveAsync(drafting.RunId, "财务 王"));
        await runs.CancelAsync(drafting.RunId);
        var cancelled = await Assert.ThrowsAsync<RunStateException>(() => runs.ApproveAsync(drafting.RunId, "财务 王"));
        var issued = await RunMonth.IssueAsync(services, db.DataSource, "2026-10", ["HZ-FXY"]);
        var twice = await Assert.ThrowsAsync<RunStateException>(() => runs.ApproveAsync(issued.Id, "财务 王"));
        var cancelIssued = await Assert.ThrowsAsync<RunStateException>(() => runs.CancelAsync(issued.Id));
        var foreign = await Assert.ThrowsAsync<ArgumentException>(() => runs.CreateAsync(new RunRequest(new YearMonth(2026, 10), "OTHER", ["HZ-FXY"], "clerk", RunTrigger.Api)));

        Assert.Contains("is drafting", tooEarly.Message, StringComparison.Ordinal);
        Assert.Contains("is cancelled", cancelled.Message, StringComparison.Ordinal);
        Assert.Contains("is issued", twice.Message, StringComparison.Ordinal);
        Assert.Contains("is issued", cancelIssued.Message, StringComparison.Ordinal);
        Assert.Contains("HZ-FXY", foreign.Message, StringComparison.Ordinal);
        Assert.Equal("issued", issued.Status);
    }

    [Fact]
    public async Task A_statement_shows_the_previous_balance_payments_since_and_the_amount_due_in_capital_numerals()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        await RunMonth.IssueAsync(services, db.DataSource, "2026-10", ["HZ-FXY"]);
        await new PaymentStore(db.DataSource).RecordAsync(
            [(new PaymentInput("HZ-FXY-01-1-101", Core.Payments.PaymentChannel.WeChatPay, "WX-1", Money.Of(50.00m), new LocalDate(2026, 11, 5)), "test", 1)], "test");
        await RunMonth.IssueAsync(services, db.DataSource, "2026-11", ["HZ-FXY"]);

        // October asked for 33.51; 50.00 was paid; November charges 69.81 × 0.48 = 33.51 -> 33.51 − 50.00 + 33.51 = 17.02.
        Assert.Equal(
            (0.00m, 0.00m, 33.51m),
            await AccountAsync(db, "HZ-FXY-01-1-101", "2026-10-01"));
        Assert.Equal(
            (33.51m, -50.00m, 17.02m),
            await AccountAsync(db, "HZ-FXY-01-1-101", "2026-11-01"));

        var pdf = await PdfAsync(db, "HZ-FXY-01-1-101", "2026-11-01");
        var text = PdfReadBack.TextOf(pdf);
        Assert.Contains("上期账单应缴33.51", text, StringComparison.Ordinal);
        Assert.Contains("上期以来缴费及调整（缴费为负）-50.00", text, StringComparison.Ordinal);
        Assert.Contains("本期应缴总额¥17.02", text, StringComparison.Ordinal);
        Assert.Contains("壹拾柒元零贰分", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payment_in_advance_leaves_nothing_to_pay_and_shows_the_credit()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates());
        await new PaymentStore(db.DataSource).RecordAsync(
            [(new PaymentInput("HZ-FXY-01-1-101", Core.Payments.PaymentChannel.Cash, "C-1", Money.Of(100.00m), new LocalDate(2026, 10, 2)), "test", 1)], "test");
        await RunMonth.IssueAsync(services, db.DataSource, "2026-10", ["HZ-FXY"]);

        // 0 − 100.00 + 33.51 = −66.49: nothing to pay, 66.49 in credit.
        Assert.Equal((0.00m, -100.00m, -66.49m), await AccountAsync(db, "HZ-FXY-01-1-101", "2026-10-01"));
        var text = PdfReadBack.TextOf(await PdfAsync(db, "HZ-FXY-01-1-101", "2026-10-01"));
        Assert.Contains("本期应缴总额¥0.00", text, StringComparison.Ordinal);
        Assert.Contains("预存余额66.49元", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_monthly_schedule_is_one_recurring_job_per_operator_at_two_in_the_morning_Shanghai_time_and_makes_one_run_however_often_it_fires()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var storage = BillingHangfire.CreateStorage(db.ConnectionString);
        // 1 November 2026, 02:00 in Shanghai is 31 October 18:00 UTC: October is the month to bill.
        var clock = new FakeClock(Instant.FromUtc(2026, 10, 31, 18, 0));
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), storage: storage, clock: clock);

        var operators = await BillingSchedule.RegisterAsync(new RecurringJobManager(storage), db.DataSource);
        using var connection = storage.GetConnection();
        var recurring = Assert.Single(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection));

        Assert.Equal(["TCJY"], operators);
        Assert.Equal(("monthly-billing:TCJY", "0 2 1 * *", "Asia/Shanghai"), (recurring.Id, recurring.Cron, recurring.TimeZoneId));
        var next = TimeZoneInfo.ConvertTimeFromUtc(recurring.NextExecution!.Value, BillingSchedule.Shanghai);
        Assert.Equal((1, 2, 0), (next.Day, next.Hour, next.Minute));

        var job = RunMonth.Job(services);
        var fired = await Task.WhenAll(Task.Run(() => job.ScheduledAsync("TCJY", CancellationToken.None)), Task.Run(() => job.ScheduledAsync("TCJY", CancellationToken.None)));
        var third = await job.ScheduledAsync("TCJY", CancellationToken.None);

        Assert.Equal(1, await db.CountAsync("select count(*) from billing_run where trigger = 'schedule' and period = '2026-10-01' and operator_code = 'TCJY'"));
        Assert.Single(fired, f => f.Contains("drafting 4 communities", StringComparison.Ordinal));
        Assert.Contains("already scheduled", third, StringComparison.Ordinal);
        Assert.Equal(4, storage.GetMonitoringApi().EnqueuedCount("default"));
    }

    [Fact]
    public async Task Two_Hangfire_servers_on_one_database_share_a_runs_communities()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var storage = BillingHangfire.CreateStorage(db.ConnectionString);
        await using var servicesA = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), storage: storage, workerName: "worker-a");
        await using var servicesB = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), storage: storage, workerName: "worker-b");
        var runs = new BillingRuns(db.DataSource);
        var client = new BackgroundJobClient(storage);
        RunView issued;
        using (BillingHangfire.StartServer(storage, servicesA, "worker-a", workerCount: 1))
        using (BillingHangfire.StartServer(storage, servicesB, "worker-b", workerCount: 1))
        {
            var created = await runs.CreateAsync(new RunRequest(new YearMonth(2026, 10), "TCJY", null, "clerk", RunTrigger.Api));
            BillingRuns.EnqueueDrafts(client, created.RunId, created.Communities);
            await runs.WaitAsync(created.RunId, BillingRuns.Drafted, RunTimeout);
            BillingRuns.EnqueueIssues(client, created.RunId, await runs.ApproveAsync(created.RunId, "财务 王"));
            issued = await runs.WaitAsync(created.RunId, BillingRuns.Issued, RunTimeout);
        }

        Assert.Equal("issued", issued.Status);
        Assert.Equal(304, await db.CountAsync("select count(*) from statement"));
        Assert.Equal(["worker-a", "worker-b"], issued.Communities.Select(c => c.Worker!).Distinct().Order());
    }

    private static async Task<(decimal Previous, decimal Since, decimal Due)> AccountAsync(TestDatabase db, string household, string period)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select previous_balance, payments_since, amount_due from statement where household_code = @h and period = @p::date");
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("p", period);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetDecimal(0), reader.GetDecimal(1), reader.GetDecimal(2));
    }

    private static async Task<byte[]> PdfAsync(TestDatabase db, string household, string period)
    {
        await using var cmd = db.DataSource.CreateCommand("select p.pdf from statement s join statement_pdf p on p.statement_id = s.id where s.household_code = @h and s.period = @p::date");
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("p", period);
        return (byte[])(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<decimal> SumAsync(TestDatabase db, string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<decimal> TotalAsync(TestDatabase db, string household)
    {
        await using var cmd = db.DataSource.CreateCommand("select total from statement where household_code = @h and period = @p");
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("p", new LocalDate(2026, 10, 1));
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }
}
