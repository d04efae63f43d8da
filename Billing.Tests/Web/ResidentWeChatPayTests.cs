using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NodaTime;
using RedProperty.Billing.Infrastructure.Residents;
using RedProperty.Billing.Tests.Channels;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Web;

/// <summary>
/// A resident opens the statement's link inside WeChat (Chromium at 375×667 with WeChat's user
/// agent): the page signs in through WeChat's web sign-in for the openid, makes a JSAPI order and
/// opens the payment sheet through WeixinJSBridge, which the test plays: it checks paySign with
/// the merchant's public key, then the fake gateway notifies the app.
/// </summary>
public sealed class ResidentWeChatPayTests : OnlinePaymentsHost
{
    private const string WeChatUserAgent =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003129) NetType/WIFI Language/zh_CN";

    /// <summary>WeChat's bridge as the in-app browser provides it: defined a moment after the page starts, announced by WeixinJSBridgeReady.</summary>
    private const string FakeBridge =
        """
        setTimeout(function () {
            window.WeixinJSBridge = {
                invoke: function (name, params, callback) {
                    window.wxPaySheet(name, JSON.stringify(params)).then(function (result) { callback({ err_msg: result }); });
                }
            };
            document.dispatchEvent(new Event('WeixinJSBridgeReady'));
        }, 30);
        """;

    private async Task<IPage> SignedInInWeChatAsync(string household)
    {
        await using var cmd = Db.DataSource.CreateCommand("select statement_no from statement where household_code = @h order by period desc limit 1");
        cmd.Parameters.AddWithValue("h", household);
        var statementNo = (string)(await cmd.ExecuteScalarAsync())!;
        var link = Factory.Services.GetRequiredService<ResidentLinks>().PathFor(household, statementNo, SystemClock.Instance.GetCurrentInstant() + Duration.FromDays(30));
        await using var phone = Db.DataSource.CreateCommand("select phone from household_version where household_code = @h order by effective_from desc limit 1");
        phone.Parameters.AddWithValue("h", household);
        var lastFour = ((string)(await phone.ExecuteScalarAsync())!)[^4..];

        var page = await OpenPageAsync(375, 667, WeChatUserAgent);
        await page.GotoAsync(link);
        await page.FillAsync("#LastFour", lastFour);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/r/home");
        return page;
    }

    [Fact]
    public async Task Inside_WeChat_the_resident_signs_in_with_WeChat_pays_in_the_JSAPI_sheet_and_sees_the_statement_paid_with_a_receipt()
    {
        var owed = await LedgerBalanceAsync(Household);
        var page = await SignedInInWeChatAsync(Household);
        var sheet = new TaskCompletionSource<(string Name, Dictionary<string, string> Params, bool SignatureValid)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.Context.ExposeFunctionAsync("wxPaySheet", (string name, string json) =>
        {
            var p = JsonSerializer.Deserialize<Dictionary<string, string>>(json)!;
            var message = Encoding.UTF8.GetBytes($"{p["appId"]}\n{p["timeStamp"]}\n{p["nonceStr"]}\n{p["package"]}\n");
            var valid = p["signType"] == "RSA"
                && Keys.MerchantKey.VerifyData(message, Convert.FromBase64String(p["paySign"]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            sheet.TrySetResult((name, p, valid));
            return valid ? "get_brand_wcpay_request:ok" : "get_brand_wcpay_request:fail";
        });
        await page.Context.AddInitScriptAsync(FakeBridge);
        await ScreenshotAsync(page, "resident-wechat-inapp-home-375");

        await page.ClickAsync("button.wechat");
        var (name, parameters, signatureValid) = await sheet.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var orderNo = parameters["package"]["prepay_id=wx".Length..];
        await page.WaitForURLAsync($"**/r/orders/{orderNo}");
        await ScreenshotAsync(page, "resident-wechat-jsapi-waiting-375");

        Assert.Equal("getBrandWCPayRequest", name);
        Assert.True(signatureValid, "paySign does not verify with the merchant's public key");
        Assert.Equal(FakeGatewayKeys.AppId, parameters["appId"]);
        var trade = Gateway.Trades[orderNo];
        Assert.Equal(Gateway.SignedInOpenId, trade.PayerOpenId);
        Assert.Empty(Gateway.Refused);
        Assert.Equal(Infrastructure.Channels.OrderMode.JsApi, (await Payments.OrderAsync(orderNo))!.Mode);

        // The resident confirmed in the sheet; WeChat Pay notifies the app; the page notices.
        Gateway.PayWeChat(orderNo);
        Assert.Equal(HttpStatusCode.NoContent, (await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo))).StatusCode);
        await page.Locator("#state", new() { HasTextString = "支付成功" }).WaitForAsync();
        await ScreenshotAsync(page, "resident-wechat-jsapi-paid-375");
        var receipt = await page.Context.APIRequest.GetAsync((await page.Locator("a", new() { HasTextString = "查看收据" }).GetAttributeAsync("href"))!);
        await page.ClickAsync("text=返回我的物业费");
        await page.WaitForURLAsync("**/r/home");

        Assert.Equal("已缴清", await page.Locator("#due").InnerTextAsync());
        var text = PdfReadBack.TextOf(await receipt.BodyAsync());
        Assert.Contains("已结清", text, StringComparison.Ordinal);
        Assert.Contains(trade.TransactionId!, text, StringComparison.Ordinal);
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
        Assert.True(owed > 0m);
    }

    [Fact]
    public async Task A_sign_in_callback_with_a_state_this_browser_was_not_given_is_refused_and_makes_no_order()
    {
        var page = await SignedInInWeChatAsync(Neighbour);

        var forged = await page.GotoAsync("/r/wechat/signed-in?code=planted-code&state=0123456789abcdef0123456789abcdef");
        await ScreenshotAsync(page, "resident-wechat-forged-state-375");

        Assert.Equal(400, forged!.Status);
        Assert.Contains("授权链接无效", await page.Locator("[role=alert]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("select count(*) from payment_order"));
        Assert.Empty(Gateway.IssuedOpenIds);
    }
}
