using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RedProperty.Billing.Infrastructure;

namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// The whole app (Api and pages) on Kestrel at a free loopback port, on a database of its own,
/// with Debian's Chromium driven by Playwright. Each test gets a fresh browser context, so no
/// cookie or session leaks between tests; the browser process is shared by the whole run.
/// </summary>
public abstract class BrowserHost : ApiHost
{
    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>Where the app listens, e.g. http://127.0.0.1:41234.</summary>
    protected Uri BaseAddress { get; private set; } = null!;

    protected override bool OverKestrel => true;

    protected override void ConfigureFactory(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory)
    {
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>() ?? throw new InvalidOperationException("Kestrel reports no address.");
        BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>A new page in a new browser context, sized like the screen its user has.</summary>
    protected async Task<IPage> OpenPageAsync(int width = 1366, int height = 768, string? userAgent = null)
    {
        var browser = await Chromium.BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            UserAgent = userAgent,
        });
        // Generous, because the suite runs its browser tests beside the rest on two cores; a page that never shows still fails.
        context.SetDefaultTimeout(30_000);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot under screenshots/ (git-ignored) for a person to look at.</summary>
    protected static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.PathFor(name), FullPage = true });

    public override async Task DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.CloseAsync();
        }

        await base.DisposeAsync();
    }
}

/// <summary>Screenshots the browser tests save, one folder per run of the suite, for people to look at.</summary>
public static class Screenshots
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "screenshots");

    public static string PathFor(string name)
    {
        Directory.CreateDirectory(Folder);
        return Path.Combine(Folder, name.EndsWith(".png", StringComparison.Ordinal) ? name : name + ".png");
    }
}

/// <summary>
/// One headless Chromium for the whole test run: Debian's package, found at BILLING_CHROMIUM or
/// /usr/bin/chromium. Playwright's own browser download cannot be reached from here, so it is never
/// asked for; a machine without the package gets a message saying which package to install.
/// </summary>
public static class Chromium
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("BILLING_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    public static async Task<IBrowser> BrowserAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true })
            {
                return _browser;
            }

            if (!File.Exists(ExecutablePath))
            {
                throw new InvalidOperationException(
                    $"Chromium is not installed at {ExecutablePath}: install Debian's package (apt-get install chromium) or set BILLING_CHROMIUM. .ci/run installs it.");
            }

            _playwright ??= await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                // Root in a container needs --no-sandbox; the rest keeps Chromium off the closed network.
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                ],
            });
            return _browser;
        }
        finally
        {
            Gate.Release();
        }
    }
}
