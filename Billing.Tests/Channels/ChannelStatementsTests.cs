using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Tests.Channels;

public sealed class ChannelStatementsTests : OnlinePaymentsHost
{
    private static readonly DateTimeZone Beijing = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    private static DateOnly Today => DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).DateTime);

    private async Task<(string OrderNo, string TransactionId)> PaidAsync(string household, OrderMode mode)
    {
        var wechat = mode == OrderMode.Native;
        var created = await Payments.CreateOrderAsync(household, mode, wechat ? WeChatNotifyUrl : AlipayNotifyUrl, null);
        var orderNo = created.Order.OrderNo;
        if (wechat)
        {
            Gateway.PayWeChat(orderNo);
            Assert.Equal(HttpStatusCode.NoContent, (await Gateway.SendWeChatAsync(orderNo, Gateway.WeChatNotification(orderNo))).StatusCode);
        }
        else
        {
            Gateway.PayAlipay(orderNo);
            Assert.Equal("success", await (await Gateway.SendAlipayAsync(orderNo, Gateway.AlipayNotification(orderNo))).Content.ReadAsStringAsync());
        }

        return (orderNo, Gateway.Trades[orderNo].TransactionId!);
    }

    /// <summary>A payment recorded on our side (entered at the counter as a WeChat payment) that WeChat never took.</summary>
    private async Task<long> PlantOurOwnAsync(PaymentChannel channel, string reference, decimal yuan)
    {
        var today = LocalDate.FromDateOnly(Today);
        var recorded = await new PaymentStore(Db.DataSource).RecordAsync(
            [(new PaymentInput("HZ-FXY-01-1-201", channel, reference, new Money(yuan), today), "counter", 1)], "test");
        return recorded[0].Id;
    }

    [Fact]
    public async Task WeChats_trade_bill_finds_a_planted_missing_and_a_planted_extra_payment()
    {
        var (_, first) = await PaidAsync(Household, OrderMode.Native);
        var (_, second) = await PaidAsync(Neighbour, OrderMode.Native);
        var ourExtra = await PlantOurOwnAsync(PaymentChannel.WeChatPay, "4200000000999920261202", 12.34m);
        var bill = Gateway.WeChatTradeBill(Today, ("4200000000888820261202", "RP-NOT-OURS-1", 56.78m));

        using var finance = Finance();
        var response = await finance.PostAsync($"/api/payment-channels/wechat/statements/{Today:yyyy-MM-dd}/reconciliation",
            new StringContent(bill, Encoding.UTF8, "text/csv"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, json.GetProperty("matched").GetInt32());
        Assert.Equal(1, json.GetProperty("missingOnOurSide").GetInt32());
        Assert.Equal(1, json.GetProperty("missingOnTheirs").GetInt32());
        Assert.Equal(0, json.GetProperty("amountDiffers").GetInt32());
        var lines = json.GetProperty("lines").EnumerateArray().ToList();
        var missing = Assert.Single(lines, l => l.GetProperty("outcome").GetString() == "missing-on-our-side");
        Assert.Equal("4200000000888820261202", missing.GetProperty("transactionId").GetString());
        Assert.Equal(56.78m, missing.GetProperty("theirAmount").GetDecimal());
        Assert.Equal(4, missing.GetProperty("row").GetInt32()); // header, two real trades, then the planted one
        var extra = Assert.Single(lines, l => l.GetProperty("outcome").GetString() == "missing-on-theirs");
        Assert.Equal(ourExtra, extra.GetProperty("paymentId").GetInt64());
        Assert.Equal(
            new[] { first, second }.Order(),
            lines.Where(l => l.GetProperty("outcome").GetString() == "matched").Select(l => l.GetProperty("transactionId").GetString()!).Order());
    }

    [Fact]
    public async Task Alipays_bill_finds_a_missing_an_extra_and_a_differing_amount_and_the_workbook_says_so()
    {
        var (_, paid) = await PaidAsync(Household, OrderMode.Precreate);
        var (_, differs) = await PaidAsync(Neighbour, OrderMode.Precreate);
        var trade = Gateway.Trades.Values.Single(t => t.TransactionId == differs);
        var bill = Gateway.AlipayBill(Today, ("2026120222001999999", "RP-NOT-OURS-2", 20.00m));
        var correct = decimal.Parse(trade.Amount, System.Globalization.CultureInfo.InvariantCulture).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        // Alipay's bill says the neighbour's trade was 1.00 yuan, not what we recorded.
        var differsRow = bill.Split("\r\n").Single(l => l.StartsWith(differs, StringComparison.Ordinal));
        bill = bill.Replace(differsRow, differsRow.Replace($",{correct}\t,{correct}\t,", ",1.00\t,1.00\t,", StringComparison.Ordinal), StringComparison.Ordinal);
        await PlantOurOwnAsync(PaymentChannel.Alipay, "2026120222001888888", 8.00m);

        var lines = ChannelStatements.ParseAlipayBill(bill, "alipay.csv");
        var result = await new ChannelStatements(Db.DataSource).ReconcileAsync(PaymentChannel.Alipay, LocalDate.FromDateOnly(Today), lines, SampleOperator);
        var workbook = ChannelStatements.Excel(result);
        using var stream = new MemoryStream(workbook);
        var rows = stream.Query(useHeaderRow: true, sheetName: "明细").Cast<IDictionary<string, object?>>().ToList();

        Assert.Equal(1, result.Count(ReconciliationOutcome.Matched));
        Assert.Equal(paid, Assert.Single(result.Lines, l => l.Outcome == ReconciliationOutcome.Matched).TransactionId);
        Assert.Equal("2026120222001999999", Assert.Single(result.Lines, l => l.Outcome == ReconciliationOutcome.MissingOnOurSide).TransactionId);
        Assert.Equal("2026120222001888888", Assert.Single(result.Lines, l => l.Outcome == ReconciliationOutcome.MissingOnTheirs).TransactionId);
        var amount = Assert.Single(result.Lines, l => l.Outcome == ReconciliationOutcome.AmountDiffers);
        Assert.Equal((differs, 1.00m), (amount.TransactionId, amount.TheirAmount!.Value.Yuan));
        Assert.Equal(4, rows.Count);
        Assert.Equal(new[] { "我方缺少", "渠道缺少", "相符", "金额不符" }, rows.Select(r => (string)r["结果"]!).Order());
    }

    /// <summary>Pays an order through WeChat, refunds it, and lets WeChat Pay report the refund done.</summary>
    private async Task<(string OrderNo, string TransactionId, decimal Yuan)> RefundedAsync(string household)
    {
        var (orderNo, transactionId) = await PaidAsync(household, OrderMode.Native);
        await Payments.RefundAsync(orderNo, "多缴退回", "test:finance", WeChatNotifyUrl);
        Assert.Equal(HttpStatusCode.NoContent, (await Gateway.SendWeChatRefundAsync(orderNo, Gateway.WeChatRefundNotification(orderNo))).StatusCode);
        return (orderNo, transactionId, long.Parse(Gateway.Trades[orderNo].Amount, System.Globalization.CultureInfo.InvariantCulture) / 100m);
    }

    [Fact]
    public async Task Refunds_in_WeChats_bill_are_set_against_recorded_reversals_with_planted_differences_found_on_either_side()
    {
        var matched = await RefundedAsync(Household);
        var differs = await RefundedAsync(Neighbour);
        var ourOnly = await RefundedAsync("HZ-FXY-01-1-201");
        var bill = Gateway.WeChatTradeBill(Today, [], [("RFPLANTED0001", "4200000000777720261202", "RP-NOT-OURS-3", 9.99m)]);
        var lines = bill.Split("\r\n").ToList();
        // WeChat's bill says the neighbour's refund was 1.00; it lacks the third refund altogether.
        var differsAt = lines.FindIndex(l => l.Contains("`RF" + differs.OrderNo, StringComparison.Ordinal));
        lines[differsAt] = lines[differsAt].Replace($"`{differs.Yuan:0.00},", "`1.00,", StringComparison.Ordinal);
        lines.RemoveAll(l => l.Contains("`RF" + ourOnly.OrderNo, StringComparison.Ordinal));
        bill = string.Join("\r\n", lines);

        using var finance = Finance();
        var response = await finance.PostAsync($"/api/payment-channels/wechat/statements/{Today:yyyy-MM-dd}/reconciliation", new StringContent(bill, Encoding.UTF8, "text/csv"));
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, json.GetProperty("matched").GetInt32()); // the three payments themselves
        var refunds = json.GetProperty("refunds");
        Assert.Equal((1, 1, 1, 1), (refunds.GetProperty("matched").GetInt32(), refunds.GetProperty("missingOnOurSide").GetInt32(),
            refunds.GetProperty("missingOnTheirs").GetInt32(), refunds.GetProperty("amountDiffers").GetInt32()));
        var refundLines = json.GetProperty("lines").EnumerateArray().Where(l => l.GetProperty("kind").GetString() == "refund").ToList();
        string Outcome(string refundNo) => refundLines.Single(l => l.GetProperty("refundNo").GetString() == refundNo).GetProperty("outcome").GetString()!;
        Assert.Equal("matched", Outcome("RF" + matched.OrderNo));
        Assert.Equal("amount-differs", Outcome("RF" + differs.OrderNo));
        Assert.Equal("missing-on-theirs", Outcome("RF" + ourOnly.OrderNo));
        Assert.Equal("missing-on-our-side", Outcome("RFPLANTED0001"));
        var amount = refundLines.Single(l => l.GetProperty("outcome").GetString() == "amount-differs");
        Assert.Equal((1.00m, differs.Yuan), (amount.GetProperty("theirAmount").GetDecimal(), amount.GetProperty("ourAmount").GetDecimal()));
        Assert.Equal(differs.TransactionId, amount.GetProperty("transactionId").GetString());
        Assert.Equal(9.99m + 1.00m + matched.Yuan, refunds.GetProperty("theirTotal").GetDecimal());
        Assert.Equal(matched.Yuan + differs.Yuan + ourOnly.Yuan, refunds.GetProperty("ourTotal").GetDecimal());
    }

    [Fact]
    public async Task Refund_rows_in_Alipays_bill_are_matched_by_the_refund_request_number_and_a_refund_still_pending_is_not_ours_yet()
    {
        var (done, _) = await PaidAsync(Household, OrderMode.Precreate);
        await Payments.RefundAsync(done, "多缴退回", "test:finance");
        Assert.Equal("success", await (await Gateway.SendAlipayAsync(done, Gateway.AlipayRefundNotification(done))).Content.ReadAsStringAsync());
        var (pending, _) = await PaidAsync(Neighbour, OrderMode.Precreate);
        await Payments.RefundAsync(pending, "多缴退回", "test:finance");
        // Alipay refunded it (it is in the bill), but its notification has not come: not recorded yet.
        Gateway.Trades[pending].RefundedAt = DateTimeOffset.UtcNow;
        var bill = Gateway.AlipayBill(Today);

        var read = ChannelStatements.ReadAlipayBill(bill, "alipay.csv");
        var result = await new ChannelStatements(Db.DataSource).ReconcileAsync(PaymentChannel.Alipay, LocalDate.FromDateOnly(Today), read, SampleOperator);

        // Order numbers end in random digits, so both sides are compared as sets.
        Assert.Equal(new[] { "RF" + done, "RF" + pending }.Order(StringComparer.Ordinal), read.Refunds.Select(r => r.RefundNo).Order(StringComparer.Ordinal));
        Assert.All(read.Refunds, r => Assert.True(r.Amount.Yuan > 0m));
        Assert.Equal(ReconciliationOutcome.Matched, result.Lines.Single(l => l.RefundNo == "RF" + done).Outcome);
        Assert.Equal(ReconciliationOutcome.MissingOnOurSide, result.Lines.Single(l => l.RefundNo == "RF" + pending).Outcome);
        Assert.Equal(2, result.Count(ReconciliationKind.Payment, ReconciliationOutcome.Matched));
    }

    [Fact]
    public void A_bill_with_a_bad_amount_is_refused_naming_the_row_and_field()
    {
        var bill = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额\r\n"
            + "`2026-12-01 10:00:00,`wx1,`1900000109,`0,`,`4200001,`RP1,`o1,`NATIVE,`SUCCESS,`OTHERS,`CNY,`12.3x\r\n";

        var e = Assert.Throws<RedProperty.Billing.Core.Validation.InputRejectedException>(() => ChannelStatements.ParseWeChatTradeBill(bill, "tradebill.csv"));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("tradebill.csv", 2, "应结订单金额"), (error.Source, error.Row, error.Field));
    }

    [Fact]
    public void A_bill_with_a_stray_quote_is_refused_naming_the_row_not_read_with_shifted_columns()
    {
        // Row 3's 商户订单号 opens a quote that never closes: read leniently, every later value of that
        // row (and the next row) would land in the wrong column.
        var bill = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额\r\n"
            + "`2026-12-01 10:00:00,`wx1,`1900000109,`0,`,`4200001,`RP1,`o1,`NATIVE,`SUCCESS,`OTHERS,`CNY,`12.30\r\n"
            + "`2026-12-01 10:05:00,`wx1,`1900000109,`0,`,`4200002,`RP\"2,`o2,`NATIVE,`SUCCESS,`OTHERS,`CNY,`8.00\r\n";

        var e = Assert.Throws<RedProperty.Billing.Core.Validation.InputRejectedException>(() => ChannelStatements.ParseWeChatTradeBill(bill, "tradebill.csv"));

        var error = Assert.Single(e.Errors);
        Assert.Equal(("tradebill.csv", 3, "csv.quote.invalid"), (error.Source, error.Row, error.Code));
        Assert.StartsWith("bad quoting near '`RP\"2'", error.Message, StringComparison.Ordinal);
    }
}
