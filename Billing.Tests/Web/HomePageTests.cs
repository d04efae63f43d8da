using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

public sealed class HomePageTests : BrowserHost
{
    [Fact]
    public async Task The_home_page_is_in_Chinese_in_the_shipped_face_and_links_each_audience()
    {
        var page = await OpenPageAsync();
        var response = await page.GotoAsync("/");

        Assert.Equal(200, response!.Status);
        Assert.Equal("红色物业收费系统", await page.Locator("h1").InnerTextAsync());
        Assert.Equal("/console", await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "财务工作台" }).GetAttributeAsync("href"));

        // The page asks for the app's own font, and the browser really loads it (not a system fallback).
        var fontLoaded = await page.EvaluateAsync<bool>("async () => { await document.fonts.ready; return document.fonts.check('16px \"WenQuanYi Micro Hei Common\"', '红'); }");
        Assert.True(fontLoaded, "the WenQuanYi face served at /fonts was not loaded");
        var family = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontFamily");
        Assert.StartsWith("\"WenQuanYi Micro Hei Common\"", family, StringComparison.Ordinal);

        await ScreenshotAsync(page, "home");
    }
}
