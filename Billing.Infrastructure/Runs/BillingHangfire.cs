using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>Hangfire on the billing database (schema "hangfire"), shared by Worker, Api and tests.</summary>
public static class BillingHangfire
{
    private static readonly Lock Gate = new();
    private static bool _configured;

    /// <summary>Serializer settings are process-wide in Hangfire; set them once, before any storage is used.</summary>
    public static void ConfigureGlobal()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            GlobalConfiguration.Configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            _configured = true;
        }
    }

    public static PostgreSqlStorage CreateStorage(string connectionString)
    {
        ConfigureGlobal();
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            // A finance clerk waiting on a run should not wait out Hangfire's 15 s default poll.
            QueuePollInterval = TimeSpan.FromMilliseconds(250),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }

    /// <summary>The services the billing jobs need, for Hangfire's activator.</summary>
    /// <param name="storage">Where jobs that queue further jobs (the schedule) queue them; required for those.</param>
    /// <param name="workerName">Recorded beside the work this process does; defaults to the process id.</param>
    public static ServiceProvider JobServices(
        NpgsqlDataSource dataSource,
        RateCatalog rates,
        SubsidyCatalog? subsidies = null,
        StatementCalendar? calendar = null,
        Core.Parking.ParkingRateBook? parking = null,
        JobStorage? storage = null,
        string? workerName = null,
        NodaTime.IClock? clock = null,
        RunLiveness? liveness = null,
        Documents.DocumentContext? documents = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(dataSource);
        services.AddSingleton(rates);
        services.AddSingleton(subsidies ?? SubsidyCatalog.Empty);
        services.AddSingleton(parking ?? Core.Parking.ParkingRateBook.Empty);
        services.AddSingleton(calendar ?? StatementCalendar.Default);
        services.AddSingleton(clock ?? NodaTime.SystemClock.Instance);
        services.AddSingleton(new WorkerName(workerName ?? $"worker-{Environment.ProcessId}"));
        services.AddSingleton(new JobQueue(storage));
        services.AddSingleton(liveness ?? RunLiveness.Default);
        services.AddSingleton(documents ?? Documents.DocumentContext.Default);
        services.AddSingleton<StatementPdfRenderer>();
        services.AddTransient<BillingRunJob>();
        return services.BuildServiceProvider();
    }

    public static BackgroundJobServer StartServer(JobStorage storage, IServiceProvider services, string serverName, int workerCount = 2)
    {
        // Hangfire's log provider is process-wide; an ASP.NET host in the same process (the Api in
        // tests) installs one bound to its own logger factory, which dies with that host. Servers
        // started here write warnings to the console instead.
        GlobalConfiguration.Configuration.UseLogProvider(new Hangfire.Logging.LogProviders.ColouredConsoleLogProvider(Hangfire.Logging.LogLevel.Warn));
        return new(
            new BackgroundJobServerOptions
            {
                ServerName = serverName,
                WorkerCount = workerCount,
                Activator = new AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()),
                SchedulePollingInterval = TimeSpan.FromSeconds(1),
            },
            storage);
    }

    /// <summary>Waits until the job succeeds or fails for good; returns its final state and result or error.</summary>
    public static async Task<JobOutcome> WaitAsync(JobStorage storage, string jobId, TimeSpan timeout, CancellationToken ct = default)
    {
        var monitor = storage.GetMonitoringApi();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var details = monitor.JobDetails(jobId);
            var state = details?.History.FirstOrDefault();
            var name = state?.StateName;
            if (name == SucceededState.StateName)
            {
                return new JobOutcome(jobId, true, state!.Data.TryGetValue("Result", out var result) ? result.Trim('"') : string.Empty);
            }

            if (name == DeletedState.StateName)
            {
                return new JobOutcome(jobId, false, "the job was deleted");
            }

            if (name == FailedState.StateName && IsFinal(storage, jobId))
            {
                return new JobOutcome(jobId, false, state!.Data.TryGetValue("ExceptionMessage", out var message) ? message : "failed");
            }

            await Task.Delay(200, ct);
        }

        return new JobOutcome(jobId, false, $"the job did not finish within {timeout}");
    }

    // A failed job that Hangfire will retry is rescheduled; only one still in the Failed state has given up.
    private static bool IsFinal(JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        return connection.GetStateData(jobId)?.Name == FailedState.StateName;
    }
}

/// <summary>Where jobs queue further jobs; absent when a caller runs jobs directly, without Hangfire.</summary>
public sealed class JobQueue(JobStorage? storage)
{
    private readonly Lazy<IBackgroundJobClient> _client = new(() => storage is null
        ? throw new InvalidOperationException("These job services were built without a Hangfire storage, so jobs cannot queue other jobs.")
        : new BackgroundJobClient(storage));

    public IBackgroundJobClient Client => _client.Value;
}

public sealed record JobOutcome(string JobId, bool Succeeded, string Message);
