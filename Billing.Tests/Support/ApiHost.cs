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

            // Tests send many requests with one token in a moment; the limits have tests of their own.
            b.UseSetting("RateLimits:PerMinute", RateLimitPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
            b.UseSetting("RateLimits:PaymentsPerMinute", RateLimitPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
            b.UseSetting("RateLimits:SignInPerMinute", SignInPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Configure(b);
        });
        if (OverKestrel)
        {
            // A real server: Kestrel refuses header values TestServer would pass through.
            // An explicit loopback endpoint on port 0: the OS picks a free port, so parallel test runs never meet on 5000.
            Factory.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
            Factory.StartServer();
        }

        ConfigureFactory(Factory);
    }

    /// <summary>A hook for hosts that need the started server (the browser tests ask it for its address).</summary>
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

    /// <summary>Requests a minute each token may make (RateLimits:PerMinute and :PaymentsPerMinute).</summary>
    protected virtual int RateLimitPerMinute => 1_000_000;

    /// <summary>Sign-in attempts a minute from one address (RateLimits:SignInPerMinute).</summary>
    protected virtual int SignInPerMinute => 1_000_000;

    /// <summary>Serve over Kestrel on a loopback port rather than in memory.</summary>
    protected virtual bool OverKestrel => false;

    /// <summary>More settings or services for the host under test.</summary>
    protected virtual void Configure(IWebHostBuilder builder)
    {
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
