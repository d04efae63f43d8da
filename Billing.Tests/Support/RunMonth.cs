using Npgsql;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// Billing runs driven directly, without a Hangfire server: the same job methods a worker runs,
/// called in order (draft every community, approve, issue every community).
/// </summary>
public static class RunMonth
{
    public static async Task<RunView> IssueAsync(IServiceProvider services, NpgsqlDataSource db, string period, IReadOnlyCollection<string>? communities = null)
    {
        var draft = await DraftAsync(services, db, period, communities);
        return await ApproveAndIssueAsync(services, db, draft.Id);
    }

    public static async Task<RunView> DraftAsync(
        IServiceProvider services, NpgsqlDataSource db, string period, IReadOnlyCollection<string>? communities = null, string operatorCode = "TCJY", bool renderPdfs = true)
    {
        var runs = new BillingRuns(db);
        var created = await runs.CreateAsync(new RunRequest(BillingPeriod.Parse(period), operatorCode, communities, "test finance", RunTrigger.Command, renderPdfs));
        var job = Job(services);
        foreach (var community in created.Communities)
        {
            await job.DraftAsync(created.RunId, community, CancellationToken.None);
        }

        return (await runs.GetAsync(created.RunId))!;
    }

    public static async Task<RunView> ApproveAndIssueAsync(IServiceProvider services, NpgsqlDataSource db, long runId)
    {
        var runs = new BillingRuns(db);
        var job = Job(services);
        foreach (var community in await runs.ApproveAsync(runId, "test approver"))
        {
            await job.IssueAsync(runId, community, CancellationToken.None);
        }

        return (await runs.GetAsync(runId))!;
    }

    public static BillingRunJob Job(IServiceProvider services) => (BillingRunJob)services.GetService(typeof(BillingRunJob))!;
}
