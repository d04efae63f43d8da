using System.Net;
using System.Text.Json;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Tests.Channels;

/// <summary>
/// A refund the channel accepts is only pending: the payment's reversal is recorded when the
/// channel's refund notification says the money went back, once per refund number, and a refund
/// that failed leaves the payment in force. Notifications are checked like payment notifications.
/// </summary>
public sealed class RefundNotificationTests : OnlinePaymentsHost
{
    private async Task<(string OrderNo, decimal Owed, long PaymentId)> PaidWeChatAsync(string household = Household)
    {
        var owed = await LedgerBalanceAsync(household);
        var created = await Payments.CreateOrderAsync(household, OrderMode.Native, WeChatNotifyUrl, null);
        Gateway.PayWeChat(created.Order.OrderNo);
        Assert.Equal(HttpStatusCode.NoContent, (await Gateway.SendWeChatAsync(created.Order.OrderNo, Gateway.WeChatNotification(created.Order.OrderNo))).StatusCode);
        var order = (await Payments.OrderAsync(created.Order.OrderNo))!;
        return (order.OrderNo, owed, order.PaymentId!.Value);
    }

    private Task<long> ReversalsAsync(long paymentId) =>
        CountAsync("select count(*) from payment_reversal where payment_id = @p", ("p", paymentId));

    [Fact]
    public async Task A_WeChat_refund_is_pending_until_REFUND_SUCCESS_and_ten_copies_one_after_another_and_at_once_reverse_the_payment_once()
    {
        var (orderNo, owed, paymentId) = await PaidWeChatAsync();

        var pending = await Payments.RefundAsync(orderNo, "重复缴费", "test:finance", WeChatNotifyUrl);
        var balanceWhilePending = await LedgerBalanceAsync(Household);
        var reversalsWhilePending = await ReversalsAsync(paymentId);
        var askedAgain = await Payments.RefundAsync(orderNo, "重复缴费", "test:finance", WeChatNotifyUrl);
        var sequential = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            sequential.Add((await Gateway.SendWeChatRefundAsync(orderNo, Gateway.WeChatRefundNotification(orderNo))).StatusCode);
        }

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Gateway.SendWeChatRefundAsync(orderNo, Gateway.WeChatRefundNotification(orderNo))));

        Assert.Equal("refund-pending", pending.State);
        Assert.Equal("refund-pending", askedAgain.State);
        Assert.Equal((0m, 0L), (balanceWhilePending, reversalsWhilePending));
        Assert.Equal(WeChatNotifyUrl.ToString(), Gateway.Trades[orderNo].RefundNotifyUrl);
        Assert.Equal("RF" + orderNo, Gateway.Trades[orderNo].RefundNo);
        Assert.All(sequential, s => Assert.Equal(HttpStatusCode.NoContent, s));
        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.NoContent, r.StatusCode));
        Assert.Equal("refunded", (await Payments.OrderAsync(orderNo))!.State);
        Assert.Equal(1, await ReversalsAsync(paymentId));
        Assert.Equal(1, await CountAsync("select count(*) from payment_reversal where payment_id = @p and reason = @r", ("p", paymentId), ("r", $"微信支付退款 RF{orderNo}：重复缴费")));
        Assert.Equal(1, await CountAsync("select count(*) from ledger_entry where payment_id = @p and kind = 'reversal'", ("p", paymentId)));
        Assert.Equal(1, await CountAsync("select count(*) from payment_order_refund_outcome where refund_no = @r and succeeded and settled_by = 'notification'", ("r", "RF" + orderNo)));
        Assert.Equal(owed, await LedgerBalanceAsync(Household));
        Assert.True((await new PaymentStore(Db.DataSource).ReceiptAsync(paymentId))!.Reversed);
    }

    [Fact]
    public async Task Forged_stale_undecryptable_and_wrong_amount_refund_notifications_are_refused_and_reverse_nothing()
    {
        var (orderNo, _, paymentId) = await PaidWeChatAsync();
        await Payments.RefundAsync(orderNo, "住户申请退款", "test:finance", WeChatNotifyUrl);

        var refused = new[]
        {
            Gateway.WeChatRefundNotification(orderNo, tamper: new FakeGateway.WeChatTampering(WrongKey: true)),
            Gateway.WeChatRefundNotification(orderNo, tamper: new FakeGateway.WeChatTampering(SignedAt: DateTimeOffset.UtcNow.AddMinutes(-10))),
            Gateway.WeChatRefundNotification(orderNo, tamper: new FakeGateway.WeChatTampering(FlipBody: true)),
            Gateway.WeChatRefundNotification(orderNo, tamper: new FakeGateway.WeChatTampering(ApiV3Key: new string('k', 32))),
            Gateway.WeChatRefundNotification(orderNo, tamper: new FakeGateway.WeChatTampering(Fen: "1")),
        };
        var answers = new List<HttpResponseMessage>();
        foreach (var notification in refused)
        {
            answers.Add(await Gateway.SendWeChatRefundAsync(orderNo, notification));
        }

        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Equal("FAIL", JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        }

        Assert.Equal("refund-pending", (await Payments.OrderAsync(orderNo))!.State);
        Assert.Equal(0, await ReversalsAsync(paymentId));
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'amount.mismatch%' and order_no = @o", ("o", orderNo)));
        Assert.Equal(5, await CountAsync("select count(*) from payment_notification_rejection"));
    }

    [Fact]
    public async Task A_refund_that_fails_leaves_the_payment_in_force_and_a_later_contradicting_success_is_refused()
    {
        var (orderNo, _, paymentId) = await PaidWeChatAsync();
        await Payments.RefundAsync(orderNo, "住户申请退款", "test:finance", WeChatNotifyUrl);

        var abnormal = await Gateway.SendWeChatRefundAsync(orderNo, Gateway.WeChatRefundNotification(orderNo, "ABNORMAL"));
        var copy = await Gateway.SendWeChatRefundAsync(orderNo, Gateway.WeChatRefundNotification(orderNo, "ABNORMAL"));
        var contradicting = await Gateway.SendWeChatRefundAsync(orderNo, Gateway.WeChatRefundNotification(orderNo, "SUCCESS"));
        var askedAgain = await Payments.RefundAsync(orderNo, "住户申请退款", "test:finance", WeChatNotifyUrl);

        Assert.Equal(HttpStatusCode.NoContent, abnormal.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, copy.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, contradicting.StatusCode);
        Assert.Equal("refund-failed", askedAgain.State);
        Assert.Single(Gateway.RefundsAsked); // the channel said how it ended; it is not asked again
        Assert.Equal(0, await ReversalsAsync(paymentId));
        Assert.Equal(0m, await LedgerBalanceAsync(Household));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'refund.contradicts%'"));
        Assert.False((await new PaymentStore(Db.DataSource).ReceiptAsync(paymentId))!.Reversed);
    }

    [Fact]
    public async Task A_refund_notification_that_arrives_before_the_refund_requests_answer_is_recorded_once_with_the_staff_members_reason()
    {
        var (orderNo, owed, paymentId) = await PaidWeChatAsync();
        Gateway.RefundNotifiesBeforeAnswering = true;

        var afterAnswer = await Payments.RefundAsync(orderNo, "多缴退回", "test:finance", WeChatNotifyUrl);

        Assert.Equal(HttpStatusCode.NoContent, Assert.Single(Gateway.EarlyRefundAnswers).StatusCode);
        Assert.Equal("refunded", afterAnswer.State);
        Assert.Equal(1, await ReversalsAsync(paymentId));
        Assert.Equal(1, await CountAsync("select count(*) from payment_order_refund where order_no = @o and reason = '多缴退回' and requested_by = 'test:finance'", ("o", orderNo)));
        Assert.Equal(owed, await LedgerBalanceAsync(Household));
    }

    [Fact]
    public async Task A_refund_made_in_the_merchant_platform_that_arrives_before_the_payment_is_refused_until_the_payment_is_recorded()
    {
        var owed = await LedgerBalanceAsync(Neighbour);
        var created = await Payments.CreateOrderAsync(Neighbour, OrderMode.Native, WeChatNotifyUrl, null);
        var orderNo = created.Order.OrderNo;
        var trade = Gateway.PayWeChat(orderNo);
        trade.RefundNo = "MP" + orderNo; // refunded by hand in WeChat Pay's merchant platform

        var early = await Gateway.SendWeChatRefundAsync(orderNo, Gateway.WeChatRefundNotification(orderNo));
        var paymentsAfterEarly = await CountAsync("select count(*) from payment where household_code = @h and channel = 'wechat'", ("h", Neighbour));
        var paid = await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo));
        var resent = await Gateway.SendWeChatRefundAsync(orderNo, Gateway.WeChatRefundNotification(orderNo));
        var order = (await Payments.OrderAsync(orderNo))!;

        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Equal(0, paymentsAfterEarly);
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'refund.unpaid%' and order_no = @o", ("o", orderNo)));
        Assert.Equal(HttpStatusCode.NoContent, paid.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, resent.StatusCode);
        Assert.Equal(("refunded", "MP" + orderNo), (order.State, order.RefundNo));
        Assert.Equal(1, await CountAsync("select count(*) from payment_order_refund where order_no = @o and requested_by = 'wechat notification'", ("o", orderNo)));
        Assert.Equal(1, await ReversalsAsync(order.PaymentId!.Value));
        Assert.Equal(owed, await LedgerBalanceAsync(Neighbour));
    }

    [Fact]
    public async Task An_Alipay_refund_is_confirmed_by_its_notification_once_and_forged_or_wrong_amount_ones_are_refused()
    {
        var owed = await LedgerBalanceAsync(Household);
        var created = await Payments.CreateOrderAsync(Household, OrderMode.Precreate, AlipayNotifyUrl, null);
        var orderNo = created.Order.OrderNo;
        Gateway.PayAlipay(orderNo);
        Assert.Equal("success", await (await Gateway.SendAlipayAsync(orderNo, Gateway.AlipayNotification(orderNo))).Content.ReadAsStringAsync());
        var paymentId = (await Payments.OrderAsync(orderNo))!.PaymentId!.Value;

        var pending = await Payments.RefundAsync(orderNo, "住户申请退款", "test:finance");
        var forged = await Gateway.SendAlipayAsync(orderNo, Gateway.AlipayRefundNotification(orderNo, wrongKey: true));
        var wrongAmount = await Gateway.SendAlipayAsync(orderNo, Gateway.AlipayRefundNotification(orderNo, refundFee: "0.01"));
        var reversalsBefore = await ReversalsAsync(paymentId);
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Gateway.SendAlipayAsync(orderNo, Gateway.AlipayRefundNotification(orderNo))));

        Assert.Equal("refund-pending", pending.State);
        Assert.Equal("failure", await forged.Content.ReadAsStringAsync());
        Assert.Equal("failure", await wrongAmount.Content.ReadAsStringAsync());
        Assert.Equal(0, reversalsBefore);
        foreach (var answer in answers)
        {
            Assert.Equal("success", await answer.Content.ReadAsStringAsync());
        }

        Assert.Equal("refunded", (await Payments.OrderAsync(orderNo))!.State);
        Assert.Equal(1, await ReversalsAsync(paymentId));
        Assert.Equal(owed, await LedgerBalanceAsync(Household));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'signature.invalid%'"));
        Assert.Equal(1, await CountAsync("select count(*) from payment_notification_rejection where reason like 'amount.mismatch%'"));
    }
}
