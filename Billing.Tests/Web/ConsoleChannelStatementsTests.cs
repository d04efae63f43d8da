using System.Net;
using System.Text;
using Microsoft.Playwright;
using MiniExcelLibs;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Staff;
using RedProperty.Billing.Tests.Channels;

namespace RedProperty.Billing.Tests.Web;

/// <summary>
/// A cashier uploads WeChat Pay's daily trade bill in the console (1366×768, Chromium) and sees it
/// set against the payments recorded: two real payments matched, a planted payment the bill has and
/// we do not, and a planted payment we recorded that the bill lacks; the Excel export says the same.
/// </summary>
public sealed class ConsoleChannelStatementsTests : OnlinePaymentsHost
{
    private const string Password = "correct-horse-2026";
    private const string PlantedTheirs = "4200000000888820261202";
    private const string PlantedOurs = "4200000000999920261202";

    private static DateOnly Today => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private async Task AccountAsync(string userName, string displayName, params StaffRole[] roles) =>
        await new StaffAccounts(Db.DataSource, SystemClock.Instance).CreateAsync(
            new NewStaffAccount(userName, displayName, StaffScopeKind.Operator, SampleOperator, roles), Password, new StaffPerson("test", "测试", SampleOperator));

    private async Task<IPage> SignInAsync(string userName)
    {
        var page = await OpenPageAsync();
        await page.GotoAsync("/console");
        await page.FillAsync("#userName", userName);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/console");
        return page;
    }

    private async Task<string> PaidByWeChatAsync(string household)
    {
        var created = await Payments.CreateOrderAsync(household, OrderMode.Native, WeChatNotifyUrl, null);
        Gateway.PayWeChat(created.Order.OrderNo);
        Assert.Equal(HttpStatusCode.NoContent, (await Gateway.SendWeChatAsync(created.Order.OrderNo, Gateway.WeChatNotification(created.Order.OrderNo))).StatusCode);
        return Gateway.Trades[created.Order.OrderNo].TransactionId!;
    }

    [Fact]
    public async Task A_cashier_uploads_WeChats_bill_and_sees_the_planted_missing_and_extra_payments_and_the_workbook_says_the_same()
    {
        await AccountAsync("shoufei", "张收费", StaffRole.Cashier);
        await AccountAsync("zhidan", "王制单", StaffRole.Clerk);
        var first = await PaidByWeChatAsync(Household);
        var second = await PaidByWeChatAsync(Neighbour);
        // Entered at the counter as a WeChat payment, 12.34: WeChat never took it.
        var ourExtra = (await new PaymentStore(Db.DataSource).RecordAsync(
            [(new PaymentInput("HZ-FXY-01-1-201", PaymentChannel.WeChatPay, PlantedOurs, new Money(12.34m), LocalDate.FromDateOnly(Today)), "counter", 1)], "test"))[0].Id;
        // WeChat took 56.78 for an order we never recorded.
        var bill = Gateway.WeChatTradeBill(Today, (PlantedTheirs, "RP-NOT-OURS-1", 56.78m));

        var page = await SignInAsync("shoufei");
        await page.ClickAsync("nav >> text=渠道对账");
        await page.WaitForURLAsync("**/console/channel-statements");
        await page.SelectOptionAsync("#channel", "wechat");
        await page.FillAsync("#date", Today.ToString("yyyy-MM-dd", null));
        await page.SetInputFilesAsync("#file", new FilePayload { Name = "tradebill.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(bill) });
        await ScreenshotAsync(page, "console-channel-statements-upload");
        await page.ClickAsync("#upload");
        await page.WaitForURLAsync("**/console/channel-statements/*");
        await ScreenshotAsync(page, "console-channel-statement-result");

        int Count(string outcome) => int.Parse(page.Locator($"#summary-payment td[data-outcome={outcome}]").InnerTextAsync().GetAwaiter().GetResult(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal((2, 1, 1, 0), (Count("Matched"), Count("MissingOnOurSide"), Count("MissingOnTheirs"), Count("AmountDiffers")));
        var missingOurs = await page.Locator("#missing-ours tbody tr").AllInnerTextsAsync();
        var missingTheirs = await page.Locator("#missing-theirs tbody tr").AllInnerTextsAsync();
        var matched = await page.Locator("#matched tbody tr").AllInnerTextsAsync();
        Assert.Contains(PlantedTheirs, Assert.Single(missingOurs), StringComparison.Ordinal);
        Assert.Contains("56.78", missingOurs[0], StringComparison.Ordinal);
        Assert.Contains(PlantedOurs, Assert.Single(missingTheirs), StringComparison.Ordinal);
        Assert.Contains("12.34", missingTheirs[0], StringComparison.Ordinal);
        Assert.Equal(2, matched.Count);
        Assert.Contains(matched, r => r.Contains(first, StringComparison.Ordinal));
        Assert.Contains(matched, r => r.Contains(second, StringComparison.Ordinal));

        var xlsx = await page.Context.APIRequest.GetAsync((await page.GetAttributeAsync("#reconciliation-xlsx", "href"))!);
        Assert.Equal(200, xlsx.Status);
        var rows = new MemoryStream(await xlsx.BodyAsync()).Query(useHeaderRow: true, sheetName: "明细").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["我方缺少", "渠道缺少", "相符", "相符"], rows.Select(r => (string)r["结果"]!).Order());
        Assert.Equal(PlantedTheirs, rows.Single(r => (string)r["结果"]! == "我方缺少")["交易号"]);
        Assert.Equal(ourExtra, Convert.ToInt64(rows.Single(r => (string)r["结果"]! == "渠道缺少")["我方收款编号"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, await CountAsync("select count(*) from channel_statement_import where channel = 'wechat' and file_name = 'tradebill.csv' and operator_code = @o", ("o", SampleOperator)));

        // A bill with a bad amount is named by row and field, and nothing is stored.
        await page.GotoAsync("/console/channel-statements");
        var bad = bill.Replace("`56.78", "`56.7x", StringComparison.Ordinal);
        await page.FillAsync("#date", Today.ToString("yyyy-MM-dd", null));
        await page.SetInputFilesAsync("#file", new FilePayload { Name = "bad.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(bad) });
        await page.ClickAsync("#upload");
        await ScreenshotAsync(page, "console-channel-statements-bad-row");
        var error = await page.Locator(".errors tbody tr").First.InnerTextAsync();
        Assert.Contains("bad.csv", error, StringComparison.Ordinal);
        Assert.Contains("应结订单金额", error, StringComparison.Ordinal);
        Assert.Contains("\t4\t", error, StringComparison.Ordinal); // header, two trades, then the planted row
        Assert.Equal(1, await CountAsync("select count(*) from channel_statement_import"));
        Assert.Contains("tradebill.csv", await page.Locator("#recent").InnerTextAsync(), StringComparison.Ordinal);

        // A clerk does not reconcile the channels' money.
        var clerk = await SignInAsync("zhidan");
        var forbidden = await clerk.GotoAsync("/console/channel-statements");
        Assert.Equal(403, forbidden!.Status);
        Assert.Equal(0, await clerk.Locator("nav >> text=渠道对账").CountAsync());
    }
}
