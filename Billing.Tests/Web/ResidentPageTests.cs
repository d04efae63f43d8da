using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using RedProperty.Billing.Infrastructure.Residents;
using RedProperty.Billing.Tests.Channels;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>
/// A resident on a phone (375×667, Chromium): opens the statement's link, passes the phone check,
/// reads the lines, pays through the fake gateway (which sends the notification to the app), and
/// sees the statement paid and the receipt.
/// </summary>
public sealed class ResidentPageTests : OnlinePaymentsHost
{
    private async Task<string> LinkAsync(string household)
    {
        await using var cmd = Db.DataSource.CreateCommand("select statement_no from statement where household_code = @h order by period desc limit 1");
        cmd.Parameters.AddWithValue("h", household);
        var statementNo = (string)(await cmd.ExecuteScalarAsync())!;
        return Factory.Services.GetRequiredService<ResidentLinks>().PathFor(household, statementNo, SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(30));
    }

    private async Task<string> LastFourAsync(string household)
    {
        await using var cmd = Db.DataSource.CreateCommand("select phone from household_version where household_code = @h order by effective_from desc limit 1");
        cmd.Parameters.AddWithValue("h", household);
        return ((string)(await cmd.ExecuteScalarAsync())!)[^4..];
    }

    private async Task<IPage> SignedInAsync(string household, string screenshot)
    {
        var page = await OpenPageAsync(375, 667);
        await page.GotoAsync(await LinkAsync(household));
        Assert.Equal(0, await page.Locator("#due").CountAsync()); // nothing about money before the check
        await ScreenshotAsync(page, screenshot);
        await page.FillAsync("#LastFour", await LastFourAsync(household));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/r/home");
        return page;
    }

    [Fact]
    public async Task A_resident_opens_the_link_passes_the_check_sees_the_lines_pays_by_WeChat_and_sees_it_paid_with_a_receipt()
    {
        var owed = await LedgerBalanceAsync(Household);
        var page = await OpenPageAsync(375, 667);
        await page.GotoAsync(await LinkAsync(Household));
        await page.FillAsync("#LastFour", "0000");
        await page.ClickAsync("button[type=submit]");
        var wrong = await page.Locator("[role=alert]").InnerTextAsync();
        await page.FillAsync("#LastFour", await LastFourAsync(Household));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/r/home");
        await ScreenshotAsync(page, "resident-home-375");

        Assert.Contains("号码不对", wrong, StringComparison.Ordinal);
        Assert.Equal($"¥{owed:0.00}", await page.Locator("#due").InnerTextAsync());
        var lines = await page.Locator("#lines li").AllInnerTextsAsync();
        Assert.Contains(lines, l => l.Contains("物业服务费", StringComparison.Ordinal) && l.Contains("m²", StringComparison.Ordinal));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"), "the page is wider than the phone");

        await page.ClickAsync("button.wechat");
        await page.WaitForURLAsync("**/r/orders/**");
        var orderNo = page.Url.Split('/').Last();
        Assert.True(await page.Locator("img[alt='微信支付二维码']").IsVisibleAsync());
        await ScreenshotAsync(page, "resident-wechat-qr-375");

        // The resident scans the code with the phone; WeChat Pay notifies the app; the page notices.
        Gateway.PayWeChat(orderNo);
        Assert.Equal(HttpStatusCode.NoContent, (await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo))).StatusCode);
        await page.Locator("#state", new() { HasTextString = "支付成功" }).WaitForAsync();
        await ScreenshotAsync(page, "resident-wechat-paid-375");
        var receiptHref = await page.Locator("a", new() { HasTextString = "查看收据" }).GetAttributeAsync("href");
        var receipt = await page.Context.APIRequest.GetAsync(receiptHref!);
        await page.ClickAsync("text=返回我的物业费");
        await page.WaitForURLAsync("**/r/home");
        await ScreenshotAsync(page, "resident-home-paid-375");

        Assert.Equal("已缴清", await page.Locator("#due").InnerTextAsync());
        Assert.Contains("已缴清", await page.Locator(".entry-list").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("application/pdf", receipt.Headers["content-type"]);
        var text = PdfReadBack.TextOf(await receipt.BodyAsync());
        Assert.Contains("已结清", text, StringComparison.Ordinal);
        Assert.Contains(Gateway.Trades[orderNo].TransactionId!, text, StringComparison.Ordinal);
        Assert.Equal(0m, await LedgerBalanceAsync(Household));

        // The receipt is the payment's one stored receipt in the operator's series, printed again byte for byte.
        var paymentId = long.Parse(receiptHref!.Split('/').Last(), System.Globalization.CultureInfo.InvariantCulture);
        await using var stored = Db.DataSource.CreateCommand("select receipt_no, pdf_sha256, cashier from receipt where payment_id = @id");
        stored.Parameters.AddWithValue("id", paymentId);
        await using var row = await stored.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), "the resident's receipt was not stored");
        var (receiptNo, sha, cashier) = (row.GetString(0), row.GetString(1), row.GetString(2));
        Assert.Matches("^TCJY-SJ-[0-9]{8}$", receiptNo);
        Assert.Contains(receiptNo, text, StringComparison.Ordinal);
        Assert.Equal("网上缴费", cashier);
        var again = await (await page.Context.APIRequest.GetAsync(receiptHref)).BodyAsync();
        Assert.Equal(sha, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(again)));
        Assert.Equal(await receipt.BodyAsync(), again);
    }

    [Fact]
    public async Task A_resident_pays_through_Alipays_cashier_page_and_comes_back_to_a_paid_statement()
    {
        var owed = await LedgerBalanceAsync(Neighbour);
        var page = await SignedInAsync(Neighbour, "resident-check-375");

        await page.ClickAsync("button.alipay");
        await page.WaitForURLAsync($"{Gateway.BaseAddress}gateway.do**");
        var cashierAmount = await page.Locator("#amount").InnerTextAsync();
        await ScreenshotAsync(page, "alipay-cashier-375");
        await page.ClickAsync("text=确认付款");
        await page.WaitForURLAsync("**/r/orders/**");
        await ScreenshotAsync(page, "resident-alipay-paid-375");

        Assert.Equal($"¥{owed:0.00}", cashierAmount);
        Assert.Contains("支付成功", await page.Locator("#state").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0m, await LedgerBalanceAsync(Neighbour));
        Assert.Empty(Gateway.Refused);
    }

    [Fact]
    public async Task Five_wrong_numbers_lock_the_household_even_against_the_right_one_and_a_forged_link_shows_nothing()
    {
        var page = await OpenPageAsync(375, 667);
        await page.GotoAsync(await LinkAsync("HZ-FXY-01-1-201"));
        for (var i = 0; i < ResidentChecks.MaxFailures; i++)
        {
            await page.FillAsync("#LastFour", $"{i:D4}");
            await page.ClickAsync("button[type=submit]");
        }

        await page.FillAsync("#LastFour", await LastFourAsync("HZ-FXY-01-1-201"));
        var locked = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"), r => r.Request.Method == "POST");
        var message = await page.Locator("[role=alert]").InnerTextAsync();
        var forgedLink = (await LinkAsync(Household))[..^3] + "AAA";
        var forged = await page.GotoAsync(forgedLink);

        Assert.Equal(423, locked.Status);
        Assert.Contains("锁定", message, StringComparison.Ordinal);
        Assert.Equal(404, forged!.Status);
        Assert.Contains("链接无效", await page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(302, (await page.Context.APIRequest.GetAsync("/r/home", new() { MaxRedirects = 0 })).Status);
    }

    [Fact]
    public async Task The_phone_check_is_rate_limited_per_client_address()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        var path = await LinkAsync(Household);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            statuses.Add((await http.PostAsync(path, new FormUrlEncodedContent([new("LastFour", "1234")]))).StatusCode);
        }

        Assert.All(statuses.Take(10), s => Assert.NotEqual(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);
    }
}
