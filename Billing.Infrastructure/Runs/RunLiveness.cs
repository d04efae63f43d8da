using Hangfire;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>
/// How a run notices that a worker has gone: each community job beats every <paramref name="Heartbeat"/>;
/// the sweeper (a recurring job on <paramref name="SweepCron"/>) queues again the work of a community
/// whose job has neither beaten nor been queued for <paramref name="StaleAfter"/>, and the work of a
/// run that was stored but never queued.
/// </summary>
public sealed record RunLiveness(TimeSpan Heartbeat, TimeSpan StaleAfter, string SweepCron)
{
    /// <summary>The sweeper's recurring job id: stable, so every worker registering it makes one job.</summary>
    public const string SweeperJobId = "billing-run-sweeper";

    public static readonly RunLiveness Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), "* * * * *");

    /// <summary>Billing:Runs:HeartbeatSeconds, Billing:Runs:StaleAfterSeconds and Billing:Runs:SweepCron (six fields for seconds).</summary>
    public static RunLiveness From(IConfiguration configuration)
    {
        var heartbeat = TimeSpan.FromSeconds(configuration.GetValue("Billing:Runs:HeartbeatSeconds", Default.Heartbeat.TotalSeconds));
        var stale = TimeSpan.FromSeconds(configuration.GetValue("Billing:Runs:StaleAfterSeconds", Default.StaleAfter.TotalSeconds));
        if (heartbeat <= TimeSpan.Zero || stale < 3 * heartbeat)
        {
            throw new InvalidOperationException(
                $"Billing:Runs:StaleAfterSeconds ({stale.TotalSeconds}) must be at least three heartbeats (Billing:Runs:HeartbeatSeconds {heartbeat.TotalSeconds}), or live workers would look dead.");
        }

        return new RunLiveness(heartbeat, stale, configuration["Billing:Runs:SweepCron"] ?? Default.SweepCron);
    }

    /// <summary>Registers the sweeper with every worker; the stable id makes it one recurring job however many register it.</summary>
    public void RegisterSweeper(IRecurringJobManager recurring) =>
        recurring.AddOrUpdate<BillingRunJob>(SweeperJobId, job => job.SweepAsync(CancellationToken.None), SweepCron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}

/// <summary>Keeps a community's heartbeat_at fresh while its job runs; stops when disposed (or when the process dies).</summary>
internal sealed class RunHeartbeat : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;

    private RunHeartbeat(NpgsqlDataSource dataSource, long runId, string community, TimeSpan every)
    {
        _beating = BeatAsync(dataSource, runId, community, every, _stop.Token);
    }

    public static async Task<RunHeartbeat> StartAsync(NpgsqlDataSource dataSource, long runId, string community, TimeSpan every, CancellationToken ct)
    {
        await BeatOnceAsync(dataSource, runId, community, ct);
        return new RunHeartbeat(dataSource, runId, community, every);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _beating;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static async Task BeatAsync(NpgsqlDataSource dataSource, long runId, string community, TimeSpan every, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await BeatOnceAsync(dataSource, runId, community, ct);
            }
            catch (NpgsqlException)
            {
                // A missed beat is retried on the next tick; the job itself reports real failures.
            }
        }
    }

    private static async Task BeatOnceAsync(NpgsqlDataSource dataSource, long runId, string community, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("update billing_run_community set heartbeat_at = now() where run_id = @run and community_code = @c");
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.AddWithValue("c", community);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
