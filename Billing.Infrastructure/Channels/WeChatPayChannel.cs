using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>Settings of a WeChat Pay merchant, from configuration section PaymentChannels:WeChatPay (or the environment).</summary>
public sealed class WeChatPayOptions
{
    public const string Section = "PaymentChannels:WeChatPay";

    public string? MchId { get; set; }

    public string? AppId { get; set; }

    /// <summary>Serial number of the merchant's API certificate, named in every request's Authorization.</summary>
    public string? MerchantSerialNo { get; set; }

    public string? MerchantPrivateKeyPath { get; set; }

    /// <summary>The 32-character APIv3 key that encrypts notification resources.</summary>
    public string? ApiV3Key { get; set; }

    /// <summary>WeChat Pay platform certificates (comma-separated paths); a notification names the one it is signed with by serial.</summary>
    public string? PlatformCertificatePaths { get; set; }

    public string BaseUrl { get; set; } = "https://api.mch.weixin.qq.com";

    /// <summary>How far a notification's timestamp may be from our clock.</summary>
    public int TimestampWindowSeconds { get; set; } = 300;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(MchId) && !string.IsNullOrWhiteSpace(MerchantPrivateKeyPath);

    /// <summary>The official account's secret, used only to exchange a web sign-in code for the resident's openid.</summary>
    public string? AppSecret { get; set; }

    /// <summary>WeChat's web sign-in page (网页授权) the resident's browser is sent to.</summary>
    public string OAuthAuthorizeUrl { get; set; } = "https://open.weixin.qq.com/connect/oauth2/authorize";

    /// <summary>Where a sign-in code is exchanged for the openid (sns/oauth2/access_token).</summary>
    public string OAuthApiBaseUrl { get; set; } = "https://api.weixin.qq.com";

    /// <summary>JSAPI from the residents' page needs the openid, so the app id and secret of the official account.</summary>
    public bool IsWebAuthConfigured => IsConfigured && !string.IsNullOrWhiteSpace(AppId) && !string.IsNullOrWhiteSpace(AppSecret);
}

/// <summary>
/// WeChat Pay API v3: Native and JSAPI orders, signed requests, signed answers and notifications
/// checked against the platform certificate the sender names, the notification's resource
/// decrypted with the APIv3 key (AEAD_AES_256_GCM), order query and refunds.
/// </summary>
public sealed class WeChatPayChannel : IPaymentChannel
{
    public const string AuthorizationScheme = "WECHATPAY2-SHA256-RSA2048";
    private static readonly OffsetDateTimePattern Rfc3339 = OffsetDateTimePattern.ExtendedIso;
    private readonly HttpClient _http;
    private readonly WeChatPayOptions _options;
    private readonly IClock _clock;
    private readonly RSA _merchantKey;
    private readonly IReadOnlyDictionary<string, RSA> _platform;
    private readonly byte[] _apiV3Key;

    public WeChatPayChannel(HttpClient http, WeChatPayOptions options, IClock clock)
    {
        (_http, _options, _clock) = (http, options, clock);
        _merchantKey = ChannelKeys.PrivateKey(options.MerchantPrivateKeyPath, $"{WeChatPayOptions.Section}:MerchantPrivateKeyPath");
        _platform = ChannelKeys.CertificatesBySerial(options.PlatformCertificatePaths, $"{WeChatPayOptions.Section}:PlatformCertificatePaths");
        _apiV3Key = Encoding.UTF8.GetBytes(options.ApiV3Key ?? throw new InvalidOperationException($"{WeChatPayOptions.Section}:ApiV3Key is not configured."));
        if (_apiV3Key.Length != 32)
        {
            throw new InvalidOperationException($"{WeChatPayOptions.Section}:ApiV3Key must be 32 bytes, got {_apiV3Key.Length}.");
        }

        _http.BaseAddress ??= new Uri(options.BaseUrl.TrimEnd('/') + "/");
    }

    public PaymentChannel Channel => PaymentChannel.WeChatPay;

    public IReadOnlyList<OrderMode> Modes { get; } = [OrderMode.Native, OrderMode.JsApi];

    public async Task<ChannelOrder> CreateOrderAsync(OrderRequest request, CancellationToken ct = default)
    {
        var body = new JsonObject
        {
            ["appid"] = _options.AppId,
            ["mchid"] = _options.MchId,
            ["description"] = request.Description,
            ["out_trade_no"] = request.OrderNo,
            ["notify_url"] = request.NotifyUrl.ToString(),
            ["amount"] = new JsonObject { ["total"] = Fen(request.Amount), ["currency"] = "CNY" },
        };
        if (request.Mode == OrderMode.JsApi)
        {
            body["payer"] = new JsonObject { ["openid"] = request.PayerId ?? throw new ArgumentException("a JSAPI order needs the payer's openid", nameof(request)) };
            using var prepay = (await SendAsync(HttpMethod.Post, "/v3/pay/transactions/jsapi", body.ToJsonString(), ct))!;
            var prepayId = prepay.RootElement.GetProperty("prepay_id").GetString()!;
            return new ChannelOrder(request.OrderNo, null, JsApiParameters(prepayId), null);
        }

        if (request.Mode != OrderMode.Native)
        {
            throw new ArgumentException($"WeChat Pay has no {request.Mode} orders", nameof(request));
        }

        using var native = (await SendAsync(HttpMethod.Post, "/v3/pay/transactions/native", body.ToJsonString(), ct))!;
        return new ChannelOrder(request.OrderNo, native.RootElement.GetProperty("code_url").GetString(), null, null);
    }

    /// <summary>What WeChat's in-app browser needs to open the payment sheet (WeixinJSBridge getBrandWCPayRequest), signed by the merchant.</summary>
    public IReadOnlyDictionary<string, string> JsApiParameters(string prepayId)
    {
        var timestamp = _clock.GetCurrentInstant().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Nonce();
        var package = "prepay_id=" + prepayId;
        var message = $"{_options.AppId}\n{timestamp}\n{nonce}\n{package}\n";
        return new Dictionary<string, string>
        {
            ["appId"] = _options.AppId ?? string.Empty,
            ["timeStamp"] = timestamp,
            ["nonceStr"] = nonce,
            ["package"] = package,
            ["signType"] = "RSA",
            ["paySign"] = Sign(message),
        };
    }

    public VerifiedNotification VerifyNotification(InboundNotification notification)
    {
        VerifySignature(notification.Headers, notification.Body, "notification");
        using var envelope = Parse(notification.Body, "notification");
        var root = envelope.RootElement;
        var eventType = Text(root, "event_type");
        if (!root.TryGetProperty("resource", out var resource))
        {
            throw new NotificationRejectedException("resource.missing", "the notification has no resource");
        }

        var algorithm = Text(resource, "algorithm");
        if (algorithm != "AEAD_AES_256_GCM")
        {
            throw new NotificationRejectedException("resource.algorithm", $"unsupported resource algorithm '{algorithm}'");
        }

        var plain = Decrypt(Text(resource, "ciphertext"), Text(resource, "nonce"), resource.TryGetProperty("associated_data", out var ad) ? ad.GetString() ?? string.Empty : string.Empty);
        using var transaction = Parse(plain, "resource");
        if (eventType.StartsWith("REFUND.", StringComparison.Ordinal))
        {
            return new VerifiedNotification(null, eventType, ReadRefund(transaction.RootElement, eventType));
        }

        if (eventType != "TRANSACTION.SUCCESS")
        {
            return new VerifiedNotification(null, eventType);
        }

        var trade = ReadTransaction(transaction.RootElement);
        return new VerifiedNotification(trade.Payment ?? throw new NotificationRejectedException("trade.state", $"TRANSACTION.SUCCESS with trade_state {trade.State}", trade.OrderNo), eventType);
    }

    public async Task<ChannelTrade> QueryAsync(string orderNo, CancellationToken ct = default)
    {
        var path = $"/v3/pay/transactions/out-trade-no/{Uri.EscapeDataString(orderNo)}?mchid={Uri.EscapeDataString(_options.MchId!)}";
        using var answer = await SendAsync(HttpMethod.Get, path, string.Empty, ct, notFoundIsEmpty: true);
        return answer is null ? new ChannelTrade(orderNo, false, "NOT_FOUND", null) : ReadTransaction(answer.RootElement);
    }

    public async Task<ChannelRefund> RefundAsync(string orderNo, string transactionId, string refundNo, Money refund, Money total, string reason, Uri? notifyUrl, CancellationToken ct = default)
    {
        var body = new JsonObject
        {
            ["transaction_id"] = transactionId,
            ["out_trade_no"] = orderNo,
            ["out_refund_no"] = refundNo,
            ["reason"] = reason,
            ["amount"] = new JsonObject { ["refund"] = Fen(refund), ["total"] = Fen(total), ["currency"] = "CNY" },
        };
        if (notifyUrl is not null)
        {
            // Without it WeChat Pay sends the refund's result to the address set in the merchant platform.
            body["notify_url"] = notifyUrl.ToString();
        }

        using var answer = await SendAsync(HttpMethod.Post, "/v3/refund/domestic/refunds", body.ToJsonString(), ct);
        var status = Text(answer!.RootElement, "status");
        // PROCESSING: WeChat has taken the refund and pays it back; ABNORMAL and CLOSED are not refunds.
        return new ChannelRefund(refundNo, Text(answer.RootElement, "refund_id"), status is "SUCCESS" or "PROCESSING", status);
    }

    /// <summary>Signs a request: the Authorization header value for method, path with query, and body.</summary>
    public string Authorization(string method, string pathAndQuery, string body)
    {
        var timestamp = _clock.GetCurrentInstant().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Nonce();
        var signature = Sign($"{method}\n{pathAndQuery}\n{timestamp}\n{nonce}\n{body}\n");
        return $"{AuthorizationScheme} mchid=\"{_options.MchId}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{_options.MerchantSerialNo}\"";
    }

    private async Task<JsonDocument?> SendAsync(HttpMethod method, string pathAndQuery, string body, CancellationToken ct, bool notFoundIsEmpty = false)
    {
        using var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd("RedProperty.Billing/1.0");
        request.Headers.TryAddWithoutValidation("Authorization", Authorization(method.Method, pathAndQuery, body));
        if (method != HttpMethod.Get)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (notFoundIsEmpty && response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new ChannelException($"WeChat Pay answered {(int)response.StatusCode} to {method} {pathAndQuery}: {text}");
        }

        // Answers are signed like notifications; an unsigned or forged answer is not believed.
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        try
        {
            VerifySignature(headers, text, "answer");
        }
        catch (NotificationRejectedException e)
        {
            throw new ChannelException($"WeChat Pay's answer to {method} {pathAndQuery} failed verification: {e.Message}");
        }

        return text.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(text);
    }

    private void VerifySignature(IReadOnlyDictionary<string, string> headers, string body, string what)
    {
        string Header(string name) => headers.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v)
            ? v
            : throw new NotificationRejectedException("signature.missing", $"the {what} has no {name} header");

        var (timestamp, nonce, signature, serial) = (Header("Wechatpay-Timestamp"), Header("Wechatpay-Nonce"), Header("Wechatpay-Signature"), Header("Wechatpay-Serial"));
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new NotificationRejectedException("timestamp.invalid", $"Wechatpay-Timestamp '{timestamp}' is not a number");
        }

        var skew = Math.Abs(_clock.GetCurrentInstant().ToUnixTimeSeconds() - seconds);
        if (skew > _options.TimestampWindowSeconds)
        {
            throw new NotificationRejectedException("timestamp.stale", $"the {what} is {skew} s away from our clock (window {_options.TimestampWindowSeconds} s): stale or replayed");
        }

        if (!_platform.TryGetValue(serial, out var key))
        {
            throw new NotificationRejectedException("serial.unknown", $"no platform certificate with serial {serial}");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            throw new NotificationRejectedException("signature.invalid", "Wechatpay-Signature is not base64");
        }

        if (!key.VerifyData(Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n{body}\n"), bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            throw new NotificationRejectedException("signature.invalid", $"the {what}'s signature does not verify against platform certificate {serial}");
        }
    }

    private string Decrypt(string ciphertext, string nonce, string associatedData)
    {
        try
        {
            var data = Convert.FromBase64String(ciphertext);
            const int tagSize = 16;
            if (data.Length < tagSize)
            {
                throw new NotificationRejectedException("resource.invalid", "the resource ciphertext is shorter than its tag");
            }

            var plain = new byte[data.Length - tagSize];
            using var aes = new AesGcm(_apiV3Key, tagSize);
            aes.Decrypt(Encoding.UTF8.GetBytes(nonce), data.AsSpan(0, plain.Length), data.AsSpan(plain.Length), plain, Encoding.UTF8.GetBytes(associatedData));
            return Encoding.UTF8.GetString(plain);
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
        {
            throw new NotificationRejectedException("resource.undecryptable", $"the resource does not decrypt with our APIv3 key: {e.Message}");
        }
    }

    private ChannelTrade ReadTransaction(JsonElement t)
    {
        var orderNo = Text(t, "out_trade_no");
        var state = Text(t, "trade_state");
        if (t.TryGetProperty("mchid", out var mchid) && mchid.GetString() != _options.MchId)
        {
            throw new NotificationRejectedException("merchant.other", $"the transaction belongs to merchant {mchid.GetString()}, not ours", orderNo);
        }

        if (state != "SUCCESS")
        {
            return new ChannelTrade(orderNo, false, state, null);
        }

        var transactionId = Text(t, "transaction_id");
        var total = t.GetProperty("amount").GetProperty("total").GetInt64();
        var paidAt = Rfc3339.Parse(Text(t, "success_time"));
        if (!paidAt.Success)
        {
            throw new NotificationRejectedException("success_time.invalid", $"success_time '{Text(t, "success_time")}' is not RFC 3339", orderNo, transactionId);
        }

        return new ChannelTrade(orderNo, true, state, new ChannelPayment(PaymentChannel.WeChatPay, orderNo, transactionId, new Money(total / 100m), paidAt.Value.ToInstant()));
    }

    /// <summary>
    /// A refund's result (退款结果通知): REFUND.SUCCESS with success_time, or REFUND.ABNORMAL / REFUND.CLOSED,
    /// which are not refunds. The amount is what was refunded, in fen.
    /// </summary>
    private ChannelRefundNotice ReadRefund(JsonElement r, string eventType)
    {
        var orderNo = Text(r, "out_trade_no");
        var refundNo = Text(r, "out_refund_no");
        if (r.TryGetProperty("mchid", out var mchid) && mchid.GetString() != _options.MchId)
        {
            throw new NotificationRejectedException("merchant.other", $"the refund belongs to merchant {mchid.GetString()}, not ours", orderNo);
        }

        var status = Text(r, "refund_status");
        var succeeded = status == "SUCCESS";
        if (succeeded != (eventType == "REFUND.SUCCESS"))
        {
            throw new NotificationRejectedException("refund.state", $"{eventType} with refund_status {status}", orderNo);
        }

        if (!r.TryGetProperty("amount", out var amount) || !amount.TryGetProperty("refund", out var fen) || fen.ValueKind != JsonValueKind.Number)
        {
            throw new NotificationRejectedException("field.missing", "'amount.refund' is missing", orderNo);
        }

        Instant? refundedAt = null;
        if (succeeded)
        {
            var at = Rfc3339.Parse(Text(r, "success_time"));
            refundedAt = at.Success
                ? at.Value.ToInstant()
                : throw new NotificationRejectedException("success_time.invalid", $"success_time '{Text(r, "success_time")}' is not RFC 3339", orderNo);
        }

        return new ChannelRefundNotice(PaymentChannel.WeChatPay, orderNo, refundNo, r.TryGetProperty("refund_id", out var id) ? id.GetString() : null,
            new Money(fen.GetInt64() / 100m), succeeded, status, refundedAt);
    }

    private string Sign(string message) =>
        Convert.ToBase64String(_merchantKey.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    internal static long Fen(Money amount) => decimal.ToInt64(amount.Yuan * 100m);

    internal static string Nonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private static JsonDocument Parse(string text, string what)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new NotificationRejectedException("body.invalid", $"the {what} is not JSON: {e.Message}");
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new NotificationRejectedException("field.missing", $"'{name}' is missing");
}
