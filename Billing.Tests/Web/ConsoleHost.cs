using Microsoft.Playwright;
using NodaTime;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>The console in a real browser, on the sample register, with one account per role and a password each person types.</summary>
public abstract class ConsoleHost : BrowserHost
{
    public const string Password = "correct-horse-2026";

    protected override TestSeed Seed => Seeds.SampleRegistered;

    protected StaffAccounts Accounts => new(Db.DataSource, SystemClock.Instance);

    protected async Task AccountAsync(string userName, string displayName, params StaffRole[] roles) =>
        await Accounts.CreateAsync(new NewStaffAccount(userName, displayName, StaffScopeKind.Operator, SampleOperator, roles), Password, new StaffPerson("test", "测试", SampleOperator));

    protected async Task StaffAsync()
    {
        await AccountAsync("zhidan", "王制单", StaffRole.Clerk);
        await AccountAsync("shenhe", "李审核", StaffRole.Manager);
        await AccountAsync("shoufei", "张收费", StaffRole.Cashier);
        await AccountAsync("admin", "赵管理", StaffRole.Admin);
    }

    /// <summary>A new browser context (its own cookies), signed in through the sign-in form.</summary>
    protected async Task<IPage> SignInAsync(string userName, string password = Password)
    {
        var page = await OpenPageAsync();
        await page.GotoAsync("/console");
        Assert.EndsWith("/console/sign-in?ReturnUrl=%2Fconsole", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        Assert.EndsWith("/console", page.Url, StringComparison.Ordinal);
        return page;
    }

    /// <summary>A file the page links to, fetched with the page's own cookies.</summary>
    protected static async Task<(int Status, byte[] Body, string? ContentType)> DownloadAsync(IPage page, string url)
    {
        var response = await page.Context.APIRequest.GetAsync(url);
        return (response.Status, await response.BodyAsync(), response.Headers.GetValueOrDefault("content-type"));
    }

    /// <summary>
    /// Opens the run page until it shows the wanted state. The page also refreshes itself while work
    /// runs, so a look that meets its own refresh half-way is simply taken again.
    /// </summary>
    protected static async Task WaitForRunStatusAsync(IPage page, string status)
    {
        var url = new Uri(page.Url).AbsolutePath;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var seen = string.Empty;
        while (true)
        {
            try
            {
                seen = (await page.InnerTextAsync("#run-status")).Trim();
                if (seen == status)
                {
                    return;
                }
            }
            catch (PlaywrightException)
            {
                // The page was navigating (its own refresh); look again.
            }

            Assert.True(DateTime.UtcNow < deadline, $"the run is still '{seen}', not '{status}'");
            await Task.Delay(500);
            try
            {
                await page.GotoAsync(url);
            }
            catch (PlaywrightException)
            {
            }
        }
    }
}
