using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Channels;

public sealed class WeChatPayTests : OnlinePaymentsHost
{
    private async Task<(string OrderNo, decimal Owed)> NativeOrderAsync(string household = Household)
    {
        var owed = await LedgerBalanceAsync(household);
        var created = await Payments.CreateOrderAsync(household, OrderMode.Native, WeChatNotifyUrl, null);
        return (created.Order.OrderNo, owed);
    }

    [Fact]
    public async Task A_Native_order_paid_and_notified_brings_an_overdue_households_arrears_to_zero_with_a_receipt()
    {
        var owed = await LedgerBalanceAsync(Household);
        var created = await Payments.CreateOrderAsync(Household, OrderMode.Native, WeChatNotifyUrl, null);
        var trade = Gateway.PayWeChat(created.Order.OrderNo);

        var answer = await Gateway.SendWeChatAsync(created.Order.OrderNo, Gateway.WeChatNotification(created.Order.OrderNo));

        Assert.True(owed > 0m, "the sample household should owe October's statement");
        Assert.Equal($"weixin://wxpay/bizpayurl?pr={created.Order.OrderNo}", created.Start.QrPayload);
        Assert.Equal(((long)(owed * 100)).ToString(System.Globalization.CultureInfo.InvariantCulture), trade.Amount);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Empty(Gateway.Refused);
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
        Assert.Equal(1, await CountAsync("select count(*) from payment where household_code = @h and channel = 'wechat' and reference = @r",
            ("h", Household), ("r", trade.TransactionId!)));
        var order = (await Payments.OrderAsync(created.Order.OrderNo))!;
        Assert.Equal("paid", order.State);
        var position = await new PaymentStore(Db.DataSource).PositionAsync(Household);
        Assert.All(position.Charges, c => Assert.True(c.IsSettled));
        var receipt = (await new PaymentStore(Db.DataSource).ReceiptAsync(order.PaymentId!.Value))!;
        var text = PdfReadBack.TextOf(PaymentDocuments.Receipt(receipt));
        Assert.Contains("已结清", text, StringComparison.Ordinal);
        Assert.Contains(trade.TransactionId!, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_copies_one_after_another_and_ten_at_once_record_one_payment()
    {
        var (orderNo, owed) = await NativeOrderAsync();
        Gateway.PayWeChat(orderNo);

        var sequential = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            sequential.Add((await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo))).StatusCode);
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo))));

        Assert.All(sequential, s => Assert.Equal(HttpStatusCode.NoContent, s));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(1, await CountAsync("select count(*) from payment where household_code = @h and channel = 'wechat'", ("h", Household)));
        Assert.Equal(1, await CountAsync("select count(*) from ledger_entry where household_code = @h and kind = 'payment' and description like '微信支付%'", ("h", Household)));
        Assert.Equal(1, await CountAsync("select count(*) from payment_order_settlement where order_no = @o", ("o", orderNo)));
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
        Assert.True(owed > 0m);
    }

    [Fact]
    public async Task Ten_concurrent_copies_of_a_first_notification_record_one_payment()
    {
        var (orderNo, _) = await NativeOrderAsync(Neighbour);
        Gateway.PayWeChat(orderNo);
        var copies = Enumerable.Range(0, 10).Select(_ => Gateway.WeChatNotification(orderNo)).ToList();

        var answers = await Task.WhenAll(copies.Select(c => Gateway.SendWeChatAsync(orderNo, c)));

        Assert.All(answers, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal(1, await CountAsync("select count(*) from payment where household_code = @h and channel = 'wechat'", ("h", Neighbour)));
        Assert.Equal(0m, await LedgerBalanceAsync(Neighbour));
    }

    [Fact]
    public async Task Forged_stale_undecryptable_and_tampered_notifications_are_refused_with_FAIL_and_record_nothing()
    {
        var (orderNo, owed) = await NativeOrderAsync();
        var trade = Gateway.PayWeChat(orderNo);
        var oneFen = new FakeGateway.WeChatTampering(Fen: "1");

        var forged = await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo, new FakeGateway.WeChatTampering(WrongKey: true)));
        var stale = await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo, new FakeGateway.WeChatTampering(SignedAt: DateTimeOffset.UtcNow.AddMinutes(-10))));
        var edited = await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo, new FakeGateway.WeChatTampering(FlipBody: true)));
        var otherKey = await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo, new FakeGateway.WeChatTampering(ApiV3Key: new string('k', 32))));
        var wrongAmount = await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo, oneFen));

        foreach (var refused in new[] { forged, stale, edited, otherKey, wrongAmount })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("FAIL", body.GetProperty("code").GetString());
            Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
        }

        Assert.Equal(0, await CountAsync("select count(*) from payment where household_code = @h and channel = 'wechat'", ("h", Household)));
        Assert.Equal(owed, await LedgerBalanceAsync(Household));
        Assert.Equal(1, await CountAsync(
            "select count(*) from payment_notification_rejection where reason like 'amount.mismatch%' and order_no = @o and transaction_id = @t", ("o", orderNo), ("t", trade.TransactionId!)));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'timestamp.stale%'"));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'serial.unknown%'"));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'signature.invalid%'"));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'resource.undecryptable%'"));

        // The genuine notification, arriving after all of them, is still taken.
        Assert.Equal(HttpStatusCode.NoContent, (await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo))).StatusCode);
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
    }

    [Fact]
    public async Task Notifications_arriving_out_of_order_and_after_a_query_settle_each_order_once()
    {
        var first = await NativeOrderAsync(Household);
        var second = await NativeOrderAsync(Neighbour);
        Gateway.PayWeChat(first.OrderNo);
        Gateway.PayWeChat(second.OrderNo);

        // The later order's notification comes first.
        Assert.Equal(HttpStatusCode.NoContent, (await Gateway.SendWeChatAsync(second.OrderNo, Gateway.WeChatNotification(second.OrderNo))).StatusCode);
        // The earlier order's notification never comes: the recurring query finds it paid.
        var found = await Payments.QueryPendingAsync(NodaTime.Duration.Zero, NodaTime.Duration.FromDays(2));
        // Then it comes after all.
        var late = await Gateway.SendWeChatAsync(first.OrderNo, Gateway.WeChatNotification(first.OrderNo));

        Assert.Equal(1, found);
        Assert.Equal(HttpStatusCode.NoContent, late.StatusCode);
        Assert.Equal("query", await SettledByAsync(first.OrderNo));
        Assert.Equal("notification", await SettledByAsync(second.OrderNo));
        Assert.Equal(2, await CountAsync("select count(*) from payment where channel = 'wechat'"));
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
        Assert.Equal(0m, await LedgerBalanceAsync(Neighbour));
    }

    [Fact]
    public async Task An_unpaid_order_queried_stays_unpaid()
    {
        var (orderNo, owed) = await NativeOrderAsync();

        var order = await Payments.QueryAsync(orderNo);

        Assert.Equal("created", order.State);
        Assert.Equal(owed, await LedgerBalanceAsync(Household));
    }

    [Fact]
    public async Task A_JSAPI_order_gives_the_in_app_browser_parameters_signed_with_the_merchant_key()
    {
        Gateway.IssuedOpenIds.Add("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"); // a payer WeChat knows under our app id
        var created = await Payments.CreateOrderAsync(Household, OrderMode.JsApi, WeChatNotifyUrl, null, payerId: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        var p = created.Start.JsApiParameters!;

        Assert.Equal($"prepay_id=wx{created.Order.OrderNo}", p["package"]);
        Assert.Equal(FakeGatewayKeys.AppId, p["appId"]);
        Assert.Equal("RSA", p["signType"]);
        var message = Encoding.UTF8.GetBytes($"{p["appId"]}\n{p["timeStamp"]}\n{p["nonceStr"]}\n{p["package"]}\n");
        Assert.True(Keys.MerchantKey.VerifyData(message, Convert.FromBase64String(p["paySign"]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.Empty(Gateway.Refused);
    }

    private async Task<string> SettledByAsync(string orderNo)
    {
        await using var cmd = Db.DataSource.CreateCommand("select settled_by from payment_order_settlement where order_no = @o");
        cmd.Parameters.AddWithValue("o", orderNo);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
