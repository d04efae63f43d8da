using NodaTime;
using NodaTime.Testing;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;
using static RedProperty.Billing.Tests.Support.EdgeRegister;

namespace RedProperty.Billing.Tests.Audit;

/// <summary>Months are issued in order and once begun; a community that fails to issue says why, and its run can be retried or cancelled.</summary>
public class MonthOrderTests
{
    private static readonly Core.Rates.RateCatalog Rates = TestRegister.Catalog(TestRegister.Book(name: "edge-book"));

    // 10:00 on 23 November 2026 in Shanghai.
    private static readonly FakeClock November23 = new(Instant.FromUtc(2026, 11, 23, 2, 0));

    private static async Task<TestDatabase> RegisterAsync()
    {
        var db = await TestPostgres.CreateDatabaseAsync();
        await ImportAsync(db, Import(Communities(("E1", "edge-book", "测试区")), Households(("H-1", "E1", 100m), ("H-2", "E1", 80m))), Rates);
        return db;
    }

    [Fact]
    public async Task A_month_earlier_than_one_already_issued_is_refused_with_how_to_bill_what_it_missed()
    {
        await using var db = await RegisterAsync();
        await using var services = BillingHangfire.JobServices(db.DataSource, Rates, clock: November23);
        var runs = new BillingRuns(db.DataSource, November23);

        // October drafted and approved first, then November issued by another run before October's jobs ran.
        var october = await RunMonth.DraftAsync(services, db.DataSource, "2026-10", operatorCode: Operator);
        var november = await IssueAsync(db, Rates, null, "2026-11", November23);
        Assert.Equal("issued", november.Status);

        var refused = await Assert.ThrowsAsync<RunStateException>(() => runs.ApproveAsync(october.Id, "财务 王"));
        Assert.Contains("E1 already has statements for 2026-11, so 2026-10 cannot be issued after it", refused.Message, StringComparison.Ordinal);
        Assert.Contains("adjust --statement", refused.Message, StringComparison.Ordinal);

        // The same refusal holds in the issue job itself (a run approved before the later month was issued):
        // the community fails at once with the reason on the run, nothing is stored, and the run can be cancelled.
        var late = await RunMonth.DraftAsync(services, db.DataSource, "2026-10", operatorCode: Operator);
        await db.CountAsync($"update billing_run set status = 'approved', approved_by = 'earlier approval' where id = {late.Id} returning 1");
        await RunMonth.Job(services).IssueAsync(late.Id, "E1", CancellationToken.None);

        var shown = (await runs.GetAsync(late.Id))!.Communities.Single();
        Assert.Equal("failed", shown.Status);
        Assert.Contains("months are issued in order", shown.Problem, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement where period = '2026-10-01'"));
        await runs.CancelAsync(late.Id);
        Assert.Equal("cancelled", (await runs.GetAsync(late.Id))!.Status);
    }

    [Fact]
    public async Task A_month_that_has_not_begun_in_Shanghai_may_be_previewed_but_not_issued()
    {
        await using var db = await RegisterAsync();
        await using var services = BillingHangfire.JobServices(db.DataSource, Rates, clock: November23);
        var runs = new BillingRuns(db.DataSource, November23);

        var december = await RunMonth.DraftAsync(services, db.DataSource, "2026-12", operatorCode: Operator);
        Assert.Equal("draft", december.Status);
        Assert.Equal(2, december.HouseholdsTotal);

        var refused = await Assert.ThrowsAsync<RunStateException>(() => runs.ApproveAsync(december.Id, "财务 王"));
        Assert.Contains("2026-12 has not begun in Asia/Shanghai (today is 2026-11-23)", refused.Message, StringComparison.Ordinal);

        // The job checks with its own clock, whoever approved.
        await db.CountAsync($"update billing_run set status = 'approved', approved_by = 'x' where id = {december.Id} returning 1");
        await RunMonth.Job(services).IssueAsync(december.Id, "E1", CancellationToken.None);
        Assert.Contains("has not begun", (await runs.GetAsync(december.Id))!.Communities.Single().Problem, StringComparison.Ordinal);
        Assert.Equal(0, await db.CountAsync("select count(*) from statement"));

        // November has begun: it is issued.
        Assert.Equal("issued", (await IssueAsync(db, Rates, null, "2026-11", November23)).Status);
    }

    [Fact]
    public async Task A_community_whose_issue_job_fails_shows_the_problem_and_the_run_can_be_retried()
    {
        await using var db = await RegisterAsync();
        await using var services = BillingHangfire.JobServices(db.DataSource, Rates, clock: November23);
        var runs = new BillingRuns(db.DataSource, November23);
        var draft = await RunMonth.DraftAsync(services, db.DataSource, "2026-10", operatorCode: Operator);
        await db.CountAsync(
            """
            create function refuse_statements() returns trigger language plpgsql as $$
            begin raise exception 'tablespace is full'; end; $$;
            create trigger refuse_statements before insert on statement for each statement execute function refuse_statements();
            select 1
            """);

        var communities = await runs.ApproveAsync(draft.Id, "财务 王");
        await Assert.ThrowsAnyAsync<Exception>(() => RunMonth.Job(services).IssueAsync(draft.Id, "E1", CancellationToken.None));

        var stuck = (await runs.GetAsync(draft.Id))!;
        Assert.Equal(("approved", "issuing"), (stuck.Status, stuck.Communities.Single().Status));
        Assert.Contains("issuing failed", stuck.Communities.Single().Problem, StringComparison.Ordinal);
        Assert.Contains("tablespace is full", stuck.Communities.Single().Problem, StringComparison.Ordinal);

        await db.CountAsync("drop trigger refuse_statements on statement; select 1");
        Assert.Equal(["E1"], await runs.RetryAsync(draft.Id));
        await RunMonth.Job(services).IssueAsync(draft.Id, "E1", CancellationToken.None);

        var issued = (await runs.GetAsync(draft.Id))!;
        Assert.Equal(("issued", "issued", null), (issued.Status, issued.Communities.Single().Status, issued.Communities.Single().Problem));
        // 100 × 0.48 = 48.00 and 80 × 0.48 = 38.40
        Assert.Equal(86.40m, await db.ScalarAsync<decimal>("select sum(total) from statement where period = '2026-10-01'"));
        Assert.Equal(["E1"], communities);
    }
}
