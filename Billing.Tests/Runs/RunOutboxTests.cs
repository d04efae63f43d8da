using Hangfire;
using NodaTime;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Runs;

/// <summary>A run whose jobs were never queued (the queue was unreachable when it was made) is not left waiting forever.</summary>
[Collection(HangfireServerCollection.Name)]
public class RunOutboxTests
{
    [Fact]
    public async Task A_run_stored_but_never_queued_is_queued_by_the_sweeper_and_drafts_every_community()
    {
        await using var db = await TestPostgres.CreateDatabaseAsync(Seeds.SampleRegistered);
        var storage = BillingHangfire.CreateStorage(db.ConnectionString);
        await using var services = BillingHangfire.JobServices(db.DataSource, SampleRegister.Rates(), storage: storage);
        var runs = new BillingRuns(db.DataSource);

        // The run's rows are written, but its jobs are never handed to Hangfire: as when the queue failed right after.
        var created = await runs.CreateAsync(new RunRequest(new YearMonth(2026, 10), "TCJY", null, "clerk", RunTrigger.Api));
        Assert.Equal(4L, await db.CountAsync($"select count(*) from billing_run_community where run_id = {created.RunId} and queued_at is null and status = 'pending'"));
        Assert.Equal(0L, storage.GetMonitoringApi().EnqueuedCount("default"));

        // Not yet stale: the sweeper leaves fresh work alone.
        Assert.Equal(0, await runs.SweepAsync(new BackgroundJobClient(storage), TimeSpan.FromMinutes(10)));

        await using (var age = db.DataSource.CreateCommand($"update billing_run_community set updated_at = now() - interval '5 minutes' where run_id = {created.RunId}"))
        {
            await age.ExecuteNonQueryAsync();
        }

        Assert.Equal(4, await runs.SweepAsync(new BackgroundJobClient(storage), TimeSpan.FromMinutes(1)));
        Assert.Equal(4L, await db.CountAsync($"select count(*) from billing_run_community where run_id = {created.RunId} and queued_at is not null"));

        // Swept once: a second sweep finds nothing more to queue.
        Assert.Equal(0, await runs.SweepAsync(new BackgroundJobClient(storage), TimeSpan.FromMinutes(1)));

        using (BillingHangfire.StartServer(storage, services, "test-worker"))
        {
            var draft = await runs.WaitAsync(created.RunId, BillingRuns.Drafted, TimeSpan.FromMinutes(3));
            Assert.Equal("draft", draft.Status);
            Assert.Equal(304, draft.HouseholdsTotal);
        }
    }
}
