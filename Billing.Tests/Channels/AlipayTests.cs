using System.Net;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Channels;

public sealed class AlipayTests : OnlinePaymentsHost
{
    [Fact]
    public async Task A_precreate_order_paid_and_notified_brings_the_arrears_to_zero_answered_success_with_a_receipt()
    {
        var owed = await LedgerBalanceAsync(Household);
        var created = await Payments.CreateOrderAsync(Household, OrderMode.Precreate, AlipayNotifyUrl, null);
        var trade = Gateway.PayAlipay(created.Order.OrderNo);

        var answer = await Gateway.SendAlipayAsync(created.Order.OrderNo, Gateway.AlipayNotification(created.Order.OrderNo));

        Assert.Equal($"https://qr.alipay.com/fake{created.Order.OrderNo}", created.Start.QrPayload);
        Assert.Equal(owed.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), trade.Amount);
        Assert.Equal("success", await answer.Content.ReadAsStringAsync());
        Assert.Empty(Gateway.Refused);
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
        var order = (await Payments.OrderAsync(created.Order.OrderNo))!;
        Assert.Equal("paid", order.State);
        var receipt = (await new PaymentStore(Db.DataSource).ReceiptAsync(order.PaymentId!.Value))!;
        var text = PdfReadBack.TextOf(PaymentDocuments.Receipt(receipt));
        Assert.Contains("支付宝", text, StringComparison.Ordinal);
        Assert.Contains("已结清", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_pay_address_carries_a_signature_the_gateway_accepts()
    {
        var created = await Payments.CreateOrderAsync(Household, OrderMode.Page, AlipayNotifyUrl, new Uri(BaseAddress, "/r/orders/x"));
        using var http = new HttpClient();

        var cashier = await http.GetAsync(created.Start.RedirectUrl);

        Assert.Equal(HttpStatusCode.OK, cashier.StatusCode);
        Assert.Contains(created.Order.OrderNo, await cashier.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Gateway.Refused);
    }

    [Fact]
    public async Task Ten_copies_and_ten_at_once_record_one_payment()
    {
        var created = await Payments.CreateOrderAsync(Household, OrderMode.Precreate, AlipayNotifyUrl, null);
        var orderNo = created.Order.OrderNo;
        Gateway.PayAlipay(orderNo);

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Gateway.SendAlipayAsync(orderNo, Gateway.AlipayNotification(orderNo))));
        var sequential = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            sequential.Add(await (await Gateway.SendAlipayAsync(orderNo, Gateway.AlipayNotification(orderNo))).Content.ReadAsStringAsync());
        }

        foreach (var r in concurrent)
        {
            Assert.Equal("success", await r.Content.ReadAsStringAsync());
        }

        Assert.All(sequential, s => Assert.Equal("success", s));
        Assert.Equal(1, await CountAsync("select count(*) from payment where household_code = @h and channel = 'alipay'", ("h", Household)));
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
    }

    [Fact]
    public async Task A_forged_or_tampered_notification_is_answered_failure_logged_and_records_nothing()
    {
        var owed = await LedgerBalanceAsync(Household);
        var created = await Payments.CreateOrderAsync(Household, OrderMode.Precreate, AlipayNotifyUrl, null);
        var orderNo = created.Order.OrderNo;
        Gateway.PayAlipay(orderNo);
        var genuine = Gateway.AlipayNotification(orderNo);
        var edited = new Dictionary<string, string>(genuine) { ["total_amount"] = "0.01" };

        var forged = await Gateway.SendAlipayAsync(orderNo, Gateway.AlipayNotification(orderNo, wrongKey: true));
        var tampered = await Gateway.SendAlipayAsync(orderNo, edited);
        var wrongAmount = await Gateway.SendAlipayAsync(orderNo, Gateway.AlipayNotification(orderNo, totalAmount: "0.01"));

        Assert.Equal("failure", await forged.Content.ReadAsStringAsync());
        Assert.Equal("failure", await tampered.Content.ReadAsStringAsync());
        Assert.Equal("failure", await wrongAmount.Content.ReadAsStringAsync());
        Assert.Equal(owed, await LedgerBalanceAsync(Household));
        Assert.Equal(2, await CountAsync("select count(*) from payment_notification_rejection where channel = 'alipay' and reason like 'signature.invalid%'"));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where channel = 'alipay' and reason like 'amount.mismatch%' and order_no = @o", ("o", orderNo)));

        Assert.Equal("success", await (await Gateway.SendAlipayAsync(orderNo, genuine)).Content.ReadAsStringAsync());
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
    }

    [Fact]
    public async Task A_trade_whose_notification_never_came_is_found_by_query_and_refunded_as_a_reversal()
    {
        var owed = await LedgerBalanceAsync(Household);
        var created = await Payments.CreateOrderAsync(Household, OrderMode.Precreate, AlipayNotifyUrl, null);
        var orderNo = created.Order.OrderNo;
        var unpaid = await Payments.QueryAsync(orderNo);
        Gateway.PayAlipay(orderNo);

        var paid = await Payments.QueryAsync(orderNo);
        var pending = await Payments.RefundAsync(orderNo, "住户申请退款", "test:finance");
        var notified = await Gateway.SendAlipayAsync(orderNo, Gateway.AlipayRefundNotification(orderNo));
        var refunded = (await Payments.OrderAsync(orderNo))!;

        Assert.Equal("created", unpaid.State);
        Assert.Equal("paid", paid.State);
        Assert.Equal("refund-pending", pending.State);
        Assert.Equal("success", await notified.Content.ReadAsStringAsync());
        Assert.Equal("refunded", refunded.State);
        Assert.Equal("RF" + orderNo, Gateway.Trades[orderNo].RefundNo);
        Assert.Equal(1, await CountAsync("select count(*) from payment_reversal where payment_id = @p", ("p", paid.PaymentId!.Value)));
        Assert.Equal(owed, await LedgerBalanceAsync(Household));
    }
}
