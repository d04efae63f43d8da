using System.Net.Http.Headers;
using Hangfire;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using NodaTime;
using RedProperty.Billing.Infrastructure.Access;

namespace RedProperty.Billing.Tests.Support;

/// <summary>The Api in process, on a database of its own on the real PostgreSQL, with clients for each role.</summary>
public abstract class ApiHost : IAsyncLifetime
{
    public const string SigningKey = "test-signing-key-for-the-billing-api-0123456789";
    public const string SampleOperator = "TCJY";
    public const string SampleDistrict = "开发区";

    protected TestDatabase Db { get; private set; } = null!;

    protected WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = Seed is { } seed ? await TestPostgres.CreateDatabaseAsync(seed) : await TestPostgres.CreateDatabaseAsync();
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Billing", Db.ConnectionString);
            b.UseSetting(AccessTokens.ConfigurationKey, SigningKey);
            ConfigureHost(b);
        });
        ConfigureFactory(Factory);
    }

    /// <summary>A hook for hosts that need more settings (the payment channels' gateways and keys).</summary>
    protected virtual void ConfigureHost(IWebHostBuilder builder)
    {
    }

    /// <summary>A hook for hosts that need more than the in-memory server (the browser tests put it on Kestrel).</summary>
    protected virtual void ConfigureFactory(WebApplicationFactory<Program> factory)
    {
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();

        // The host's Hangfire log provider points at the logger factory just disposed; Hangfire keeps it process-wide.
        Hangfire.GlobalConfiguration.Configuration.UseLogProvider(new Hangfire.Logging.LogProviders.ColouredConsoleLogProvider(Hangfire.Logging.LogLevel.Warn));
        await Db.DisposeAsync();
    }

    /// <summary>What the database holds before each test; null for an empty, migrated one.</summary>
    protected virtual TestSeed? Seed => null;

    protected HttpClient Anonymous() => Factory.CreateClient();

    protected HttpClient As(AccessRole role, string scope, string key = SigningKey, Duration? lifetime = null, Instant? issued = null)
    {
        var client = Factory.CreateClient();
        var token = AccessTokens.Issue(new AccessGrant(role, scope, $"test:{scope}"), key, issued ?? SystemClock.Instance.GetCurrentInstant(), lifetime ?? Duration.FromHours(1));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected HttpClient Finance(string operatorCode = SampleOperator) => As(AccessRole.FinanceStaff, operatorCode);

    protected HttpClient Resident(string household) => As(AccessRole.Resident, household);

    protected HttpClient District(string district = SampleDistrict) => As(AccessRole.DistrictFinance, district);
}
