using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Rates;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Infrastructure;

/// <summary>
/// The one place the billing services are wired, shared by the Api and the Worker: the database
/// (opened, and migrated, on first use), the rules from the rates folder (each read once), Hangfire
/// on the billing database, and what the billing jobs need. Hosts add only what is theirs (the
/// Api its endpoints and sign-in, the Worker its commands and, for `serve`, a Hangfire server).
/// </summary>
public static class BillingServices
{
    /// <summary>Where the rate files are: BILLING_RATES_DIR, or the checkout's rates/ folder.</summary>
    public static string RatesDirectory(IConfiguration configuration) => configuration["BILLING_RATES_DIR"] ?? RepositoryPaths.Rates;

    public static IServiceCollection AddBilling(this IServiceCollection services, IConfiguration configuration)
    {
        var ratesDir = RatesDirectory(configuration);
        services.TryAddSingleton<IClock>(SystemClock.Instance);
        // Lazy: a command that needs no data (token, generate) starts no database; disposing the
        // container stops a local cluster this process started.
        services.AddSingleton(_ => BillingDatabase.Open(configuration, "demo", Console.Out));
        services.AddSingleton(sp => sp.GetRequiredService<BillingDatabase>().DataSource);
        services.AddSingleton(_ => RateDirectory.Load(ratesDir));
        services.AddSingleton(_ => RateDirectory.LoadSubsidies(ratesDir));
        services.AddSingleton(_ => RateDirectory.LoadPoints(ratesDir));
        services.AddSingleton(_ => RateDirectory.LoadParking(ratesDir));
        services.TryAddSingleton(StatementCalendar.Default);
        services.AddHangfire((sp, config) => config.UseStorage(BillingHangfire.CreateStorage(sp.GetRequiredService<BillingDatabase>().ConnectionString)));

        // What the billing jobs need when a Hangfire server in this process runs them.
        services.TryAddSingleton(new WorkerName($"worker-{Environment.ProcessId}"));
        services.TryAddSingleton(sp => new JobQueue(sp.GetRequiredService<JobStorage>()));
        services.TryAddSingleton(sp => Residents.ResidentPaymentLink.Documents(configuration, sp.GetRequiredService<IClock>()));
        services.TryAddSingleton<StatementPdfRenderer>();
        services.TryAddSingleton(RunLiveness.From(configuration));
        services.TryAddTransient<BillingRunJob>();
        return services;
    }
}
