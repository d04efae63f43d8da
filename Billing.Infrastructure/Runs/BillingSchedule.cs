using Hangfire;
using Npgsql;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>
/// One recurring Hangfire job per operator that drafts last month's run. The cron is read in
/// Asia/Shanghai, so "0 2 1 * *" is 02:00 on the 1st where the residents live, whatever the
/// server's clock says.
/// </summary>
public static class BillingSchedule
{
    public const string DefaultCron = "0 2 1 * *";

    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static string JobId(string operatorCode) => $"monthly-billing:{operatorCode}";

    public static async Task<IReadOnlyList<string>> RegisterAsync(
        IRecurringJobManager recurring, NpgsqlDataSource dataSource, string cron = DefaultCron, CancellationToken ct = default)
    {
        var operators = await new BillingRuns(dataSource).OperatorsAsync(ct);
        foreach (var op in operators)
        {
            recurring.AddOrUpdate<BillingRunJob>(
                JobId(op), job => job.ScheduledAsync(op, CancellationToken.None), cron, new RecurringJobOptions { TimeZone = Shanghai });
        }

        return operators;
    }
}
