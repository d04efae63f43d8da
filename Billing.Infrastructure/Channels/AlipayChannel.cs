using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>Settings of an Alipay open-platform application, from configuration section PaymentChannels:Alipay (or the environment).</summary>
public sealed class AlipayOptions
{
    public const string Section = "PaymentChannels:Alipay";

    public string? AppId { get; set; }

    /// <summary>The application's RSA private key (PEM) that signs our requests.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>Alipay's public key (PEM) that signs answers and notifications.</summary>
    public string? AlipayPublicKeyPath { get; set; }

    /// <summary>Our seller id (2088…); when set, a notification for another seller is refused.</summary>
    public string? SellerId { get; set; }

    public string GatewayUrl { get; set; } = "https://openapi.alipay.com/gateway.do";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AppId) && !string.IsNullOrWhiteSpace(PrivateKeyPath);
}

/// <summary>
/// Alipay open API with RSA2 (SHA256withRSA) signatures: precreate (QR) and page pay orders, the
/// asynchronous notification checked over its sorted parameters, trade query and refund.
/// </summary>
public sealed class AlipayChannel : IPaymentChannel
{
    private static readonly DateTimeZone Beijing = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly LocalDateTimePattern AlipayTime = LocalDateTimePattern.CreateWithInvariantCulture("yyyy-MM-dd HH:mm:ss");

    /// <summary>gmt_refund carries milliseconds (2015-04-28 15:45:57.320); the fraction may be left off.</summary>
    private static readonly LocalDateTimePattern RefundTime = LocalDateTimePattern.CreateWithInvariantCulture("yyyy-MM-dd HH:mm:ss.FFF");
    private readonly HttpClient _http;
    private readonly AlipayOptions _options;
    private readonly IClock _clock;
    private readonly RSA _appKey;
    private readonly RSA _alipayKey;

    public AlipayChannel(HttpClient http, AlipayOptions options, IClock clock)
    {
        (_http, _options, _clock) = (http, options, clock);
        _appKey = ChannelKeys.PrivateKey(options.PrivateKeyPath, $"{AlipayOptions.Section}:PrivateKeyPath");
        _alipayKey = ChannelKeys.PublicKey(options.AlipayPublicKeyPath, $"{AlipayOptions.Section}:AlipayPublicKeyPath");
    }

    public PaymentChannel Channel => PaymentChannel.Alipay;

    public IReadOnlyList<OrderMode> Modes { get; } = [OrderMode.Page, OrderMode.Precreate];

    public async Task<ChannelOrder> CreateOrderAsync(OrderRequest request, CancellationToken ct = default)
    {
        var biz = new JsonObject
        {
            ["out_trade_no"] = request.OrderNo,
            ["total_amount"] = Yuan(request.Amount),
            ["subject"] = request.Description,
        };
        if (request.Mode == OrderMode.Page)
        {
            biz["product_code"] = "FAST_INSTANT_TRADE_PAY";
            var parameters = Signed("alipay.trade.page.pay", biz, request.NotifyUrl, request.ReturnUrl);
            var query = string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
            return new ChannelOrder(request.OrderNo, null, null, new Uri($"{_options.GatewayUrl}?{query}"));
        }

        if (request.Mode != OrderMode.Precreate)
        {
            throw new ArgumentException($"Alipay has no {request.Mode} orders", nameof(request));
        }

        var answer = await CallAsync("alipay.trade.precreate", biz, request.NotifyUrl, ct);
        if (Text(answer, "code") != "10000")
        {
            throw new ChannelException($"Alipay refused precreate of {request.OrderNo}: {Text(answer, "sub_code")} {Text(answer, "sub_msg")}");
        }

        return new ChannelOrder(request.OrderNo, Text(answer, "qr_code"), null, null);
    }

    public VerifiedNotification VerifyNotification(InboundNotification notification)
    {
        Dictionary<string, string> form;
        try
        {
            form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(notification.Body)
                .ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new NotificationRejectedException("body.invalid", $"the notification is not a form: {e.Message}");
        }

        if (!form.TryGetValue("sign", out var sign) || string.IsNullOrEmpty(sign))
        {
            throw new NotificationRejectedException("signature.missing", "the notification has no sign");
        }

        if (form.TryGetValue("sign_type", out var signType) && signType != "RSA2")
        {
            throw new NotificationRejectedException("signature.type", $"sign_type {signType} is not RSA2");
        }

        // Notifications are signed over every parameter but sign and sign_type, sorted by name.
        var content = SignContent(form.Where(p => p.Key is not ("sign" or "sign_type")));
        if (!Verify(content, sign))
        {
            throw new NotificationRejectedException("signature.invalid", "the notification's RSA2 signature does not verify against Alipay's public key",
                form.GetValueOrDefault("out_trade_no"), form.GetValueOrDefault("trade_no"));
        }

        var orderNo = Required(form, "out_trade_no");
        if (form.GetValueOrDefault("app_id") != _options.AppId)
        {
            throw new NotificationRejectedException("app.other", $"the notification is for app {form.GetValueOrDefault("app_id")}, not ours", orderNo);
        }

        if (_options.SellerId is { Length: > 0 } seller && form.TryGetValue("seller_id", out var s) && s != seller)
        {
            throw new NotificationRejectedException("seller.other", $"the notification is for seller {s}, not ours", orderNo);
        }

        var status = Required(form, "trade_status");
        if (form.TryGetValue("out_biz_no", out var refundNo) && refundNo.Length > 0 && form.ContainsKey("refund_fee"))
        {
            // A refund of the trade: sent to the trade's notify_url with the refund request number as
            // out_biz_no, refund_fee the total refunded, TRADE_CLOSED once all of it went back.
            return new VerifiedNotification(null, status, Refund(orderNo, refundNo, Required(form, "trade_no"), Required(form, "refund_fee"), form.GetValueOrDefault("gmt_refund"), status));
        }

        if (status is not ("TRADE_SUCCESS" or "TRADE_FINISHED"))
        {
            return new VerifiedNotification(null, status);
        }

        return new VerifiedNotification(Payment(orderNo, Required(form, "trade_no"), Required(form, "total_amount"), form.GetValueOrDefault("gmt_payment")), status);
    }

    public async Task<ChannelTrade> QueryAsync(string orderNo, CancellationToken ct = default)
    {
        var answer = await CallAsync("alipay.trade.query", new JsonObject { ["out_trade_no"] = orderNo }, null, ct);
        if (Text(answer, "code") != "10000")
        {
            // ACQ.TRADE_NOT_EXIST: the resident never opened the cashier; nothing was paid.
            return new ChannelTrade(orderNo, false, Text(answer, "sub_code") ?? Text(answer, "code") ?? "UNKNOWN", null);
        }

        var status = Text(answer, "trade_status") ?? "UNKNOWN";
        if (status is not ("TRADE_SUCCESS" or "TRADE_FINISHED"))
        {
            return new ChannelTrade(orderNo, false, status, null);
        }

        return new ChannelTrade(orderNo, true, status, Payment(orderNo, Text(answer, "trade_no")!, Text(answer, "total_amount")!, Text(answer, "send_pay_date")));
    }

    public async Task<ChannelRefund> RefundAsync(string orderNo, string transactionId, string refundNo, Money refund, Money total, string reason, Uri? notifyUrl, CancellationToken ct = default)
    {
        var biz = new JsonObject
        {
            ["out_trade_no"] = orderNo,
            ["trade_no"] = transactionId,
            ["refund_amount"] = Yuan(refund),
            ["out_request_no"] = refundNo,
            ["refund_reason"] = reason,
        };
        // Alipay reports the refund to the trade's own notify_url; a refund request carries none.
        var answer = await CallAsync("alipay.trade.refund", biz, null, ct);
        var accepted = Text(answer, "code") == "10000";
        return new ChannelRefund(refundNo, accepted ? Text(answer, "trade_no") : null, accepted,
            accepted ? $"fund_change={Text(answer, "fund_change")}" : $"{Text(answer, "sub_code")} {Text(answer, "sub_msg")}");
    }

    /// <summary>The signed parameters of a request: the common ones, biz_content, and sign over all of them sorted.</summary>
    public SortedDictionary<string, string> Signed(string method, JsonObject biz, Uri? notifyUrl, Uri? returnUrl)
    {
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["app_id"] = _options.AppId!,
            ["method"] = method,
            ["format"] = "JSON",
            ["charset"] = "utf-8",
            ["sign_type"] = "RSA2",
            ["timestamp"] = AlipayTime.Format(_clock.GetCurrentInstant().InZone(Beijing).LocalDateTime),
            ["version"] = "1.0",
            ["biz_content"] = biz.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }),
        };
        if (notifyUrl is not null)
        {
            parameters["notify_url"] = notifyUrl.ToString();
        }

        if (returnUrl is not null)
        {
            parameters["return_url"] = returnUrl.ToString();
        }

        parameters["sign"] = Convert.ToBase64String(_appKey.SignData(Encoding.UTF8.GetBytes(SignContent(parameters)), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return parameters;
    }

    /// <summary>k=v pairs sorted by name and joined with &amp;, leaving out empty values and sign (the RSA2 signing string).</summary>
    public static string SignContent(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.Where(p => p.Key != "sign" && !string.IsNullOrEmpty(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private async Task<JsonElement> CallAsync(string method, JsonObject biz, Uri? notifyUrl, CancellationToken ct)
    {
        var parameters = Signed(method, biz, notifyUrl, null);
        using var response = await _http.PostAsync(_options.GatewayUrl + "?charset=utf-8", new FormUrlEncodedContent(parameters), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ChannelException($"Alipay answered {(int)response.StatusCode} to {method}: {text}");
        }

        using var document = JsonDocument.Parse(text);
        var node = method.Replace('.', '_') + "_response";
        if (!document.RootElement.TryGetProperty(node, out var answer))
        {
            throw new ChannelException($"Alipay's answer to {method} has no {node}: {text}");
        }

        // The answer is signed over the exact text of its response node.
        var sign = document.RootElement.TryGetProperty("sign", out var s) ? s.GetString() : null;
        if (sign is null || !Verify(answer.GetRawText(), sign))
        {
            throw new ChannelException($"Alipay's answer to {method} is not signed by Alipay's key");
        }

        return answer.Clone();
    }

    private bool Verify(string content, string sign)
    {
        try
        {
            return _alipayKey.VerifyData(Encoding.UTF8.GetBytes(content), Convert.FromBase64String(sign), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static ChannelPayment Payment(string orderNo, string tradeNo, string totalAmount, string? paidAt)
    {
        if (!decimal.TryParse(totalAmount, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
        {
            throw new NotificationRejectedException("total_amount.invalid", $"total_amount '{totalAmount}' is not an amount", orderNo, tradeNo);
        }

        var when = paidAt is not null && AlipayTime.Parse(paidAt) is { Success: true } parsed
            ? parsed.Value.InZoneLeniently(Beijing).ToInstant()
            : throw new NotificationRejectedException("gmt_payment.invalid", $"payment time '{paidAt}' is not yyyy-MM-dd HH:mm:ss", orderNo, tradeNo);
        return new ChannelPayment(PaymentChannel.Alipay, orderNo, tradeNo, new Money(yuan), when);
    }

    private static ChannelRefundNotice Refund(string orderNo, string refundNo, string tradeNo, string refundFee, string? refundedAt, string status)
    {
        if (!decimal.TryParse(refundFee, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
        {
            throw new NotificationRejectedException("refund_fee.invalid", $"refund_fee '{refundFee}' is not an amount", orderNo, tradeNo);
        }

        var when = refundedAt is not null && RefundTime.Parse(refundedAt) is { Success: true } parsed
            ? parsed.Value.InZoneLeniently(Beijing).ToInstant()
            : throw new NotificationRejectedException("gmt_refund.invalid", $"refund time '{refundedAt}' is not yyyy-MM-dd HH:mm:ss.SSS or yyyy-MM-dd HH:mm:ss", orderNo, tradeNo);
        return new ChannelRefundNotice(PaymentChannel.Alipay, orderNo, refundNo, tradeNo, new Money(yuan), true, status, when);
    }

    private static string Yuan(Money amount) => amount.Yuan.ToString("0.00", CultureInfo.InvariantCulture);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    private static string Required(Dictionary<string, string> form, string name) =>
        form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : throw new NotificationRejectedException("field.missing", $"'{name}' is missing");
}
