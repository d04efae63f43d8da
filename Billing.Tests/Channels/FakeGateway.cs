using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RedProperty.Billing.Tests.Channels;

/// <summary>An order the fake gateway took, and what the test made of it.</summary>
public sealed class FakeTrade
{
    public required string Channel { get; init; }

    public required string OrderNo { get; init; }

    /// <summary>Fen for WeChat Pay, yuan text for Alipay, as each protocol carries it.</summary>
    public required string Amount { get; init; }

    public required string NotifyUrl { get; init; }

    public string? ReturnUrl { get; init; }

    public string? TransactionId { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    public string? RefundNo { get; set; }

    /// <summary>Where the channel reports the refund's result: the refund request's notify_url (WeChat) or the trade's (Alipay).</summary>
    public string? RefundNotifyUrl { get; set; }

    public DateTimeOffset? RefundedAt { get; set; }

    /// <summary>The openid of the payer a JSAPI order was made for.</summary>
    public string? PayerOpenId { get; init; }
}

/// <summary>
/// WeChat Pay API v3 and Alipay's open API as their documentation describes them, on loopback:
/// it checks our signed requests with our public keys, answers signed with the platform keys the
/// test made, and sends signed (and for WeChat, encrypted) notifications to our real endpoint over
/// HTTP. Tests can also send notifications that are forged, stale, replayed or for the wrong amount.
/// </summary>
public sealed class FakeGateway : IAsyncDisposable
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private static readonly Regex AuthorizationParts = new("(\\w+)=\"([^\"]*)\"", RegexOptions.Compiled);
    private readonly WebApplication _app;
    private readonly HttpClient _notifier = new();
    private long _sequence = 4200000000L;

    public FakeGateway(FakeGatewayKeys keys)
    {
        Keys = keys;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v3/pay/transactions/native", ctx => WeChatOrder(ctx, "native"));
        _app.MapPost("/v3/pay/transactions/jsapi", ctx => WeChatOrder(ctx, "jsapi"));
        _app.MapGet("/v3/pay/transactions/out-trade-no/{orderNo}", WeChatQuery);
        _app.MapPost("/v3/refund/domestic/refunds", WeChatRefund);
        _app.MapGet("/connect/oauth2/authorize", WeChatAuthorize);
        _app.MapGet("/sns/oauth2/access_token", WeChatAccessToken);
        _app.MapPost("/gateway.do", AlipayApi);
        _app.MapGet("/gateway.do", AlipayCashier);
        _app.MapPost("/fake/alipay/pay", AlipayPay);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    public FakeGatewayKeys Keys { get; }

    /// <summary>When set, a refund's notification is sent before the refund request is answered (out of order).</summary>
    public bool RefundNotifiesBeforeAnswering { get; set; }

    /// <summary>The app's answers to notifications the gateway sent on its own before answering a refund request.</summary>
    public ConcurrentQueue<HttpResponseMessage> EarlyRefundAnswers { get; } = new();

    /// <summary>Orders whose refund was asked for, in the order asked.</summary>
    public ConcurrentQueue<string> RefundsAsked { get; } = new();

    /// <summary>openids the web sign-in handed out for our app id.</summary>
    public ConcurrentBag<string> IssuedOpenIds { get; } = [];

    /// <summary>The WeChat user in front of the phone: the openid the next sign-in hands out.</summary>
    public string SignedInOpenId { get; set; } = "oRsdPt3_resident_0001";

    private readonly ConcurrentDictionary<string, string> _codes = new();

    public Uri BaseAddress { get; }

    public ConcurrentDictionary<string, FakeTrade> Trades { get; } = new();

    /// <summary>Requests the gateway refused, e.g. a bad Authorization signature: each is a defect in our client.</summary>
    public ConcurrentQueue<string> Refused { get; } = new();

    // ---------------------------------------------------------------- WeChat Pay API v3

    private async Task WeChatOrder(HttpContext ctx, string kind)
    {
        var body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
        if (!CheckWeChatAuthorization(ctx, body))
        {
            await WeChatAnswer(ctx, 401, """{"code":"SIGN_ERROR","message":"签名错误"}""");
            return;
        }

        var order = JsonNode.Parse(body)!;
        if ((string?)order["mchid"] != FakeGatewayKeys.MchId || (string?)order["appid"] != FakeGatewayKeys.AppId || (string?)order["amount"]!["currency"] != "CNY")
        {
            await WeChatAnswer(ctx, 400, """{"code":"PARAM_ERROR","message":"参数错误"}""");
            return;
        }

        var orderNo = (string)order["out_trade_no"]!;
        var openId = (string?)order["payer"]?["openid"];
        if (kind == "jsapi" && (openId is null || !IssuedOpenIds.Contains(openId)))
        {
            // A JSAPI order is for a payer WeChat knows under this app id: one our sign-in handed out.
            await WeChatAnswer(ctx, 400, """{"code":"PARAM_ERROR","message":"openid 与 appid 不匹配"}""");
            return;
        }

        Trades[orderNo] = new FakeTrade
        {
            Channel = "wechat",
            OrderNo = orderNo,
            Amount = ((long)order["amount"]!["total"]!).ToString(CultureInfo.InvariantCulture),
            NotifyUrl = (string)order["notify_url"]!,
            PayerOpenId = openId,
        };
        await WeChatAnswer(ctx, 200, kind == "native"
            ? new JsonObject { ["code_url"] = $"weixin://wxpay/bizpayurl?pr={orderNo}" }.ToJsonString()
            : new JsonObject { ["prepay_id"] = "wx" + orderNo }.ToJsonString());
    }

    private async Task WeChatQuery(HttpContext ctx)
    {
        if (!CheckWeChatAuthorization(ctx, string.Empty) || ctx.Request.Query["mchid"] != FakeGatewayKeys.MchId)
        {
            await WeChatAnswer(ctx, 401, """{"code":"SIGN_ERROR","message":"签名错误"}""");
            return;
        }

        var orderNo = (string)ctx.Request.RouteValues["orderNo"]!;
        if (!Trades.TryGetValue(orderNo, out var trade))
        {
            await WeChatAnswer(ctx, 404, """{"code":"ORDER_NOT_EXIST","message":"订单不存在"}""");
            return;
        }

        await WeChatAnswer(ctx, 200, WeChatTransaction(trade, trade.Amount).ToJsonString());
    }

    private async Task WeChatRefund(HttpContext ctx)
    {
        var body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
        if (!CheckWeChatAuthorization(ctx, body))
        {
            await WeChatAnswer(ctx, 401, """{"code":"SIGN_ERROR","message":"签名错误"}""");
            return;
        }

        var refund = JsonNode.Parse(body)!;
        var orderNo = (string)refund["out_trade_no"]!;
        if (!Trades.TryGetValue(orderNo, out var trade) || trade.TransactionId is null
            || ((long)refund["amount"]!["refund"]!).ToString(CultureInfo.InvariantCulture) != trade.Amount)
        {
            await WeChatAnswer(ctx, 400, """{"code":"INVALID_REQUEST","message":"订单不存在或金额不符"}""");
            return;
        }

        trade.RefundNo = (string)refund["out_refund_no"]!;
        trade.RefundNotifyUrl = (string?)refund["notify_url"] ?? trade.NotifyUrl;
        RefundsAsked.Enqueue(orderNo);
        if (RefundNotifiesBeforeAnswering)
        {
            trade.RefundedAt = DateTimeOffset.UtcNow;
            EarlyRefundAnswers.Enqueue(await SendWeChatRefundAsync(orderNo, WeChatRefundNotification(orderNo)));
        }

        // WeChat Pay takes the refund and works on it; the result comes later as a notification.
        await WeChatAnswer(ctx, 200, new JsonObject
        {
            ["refund_id"] = "5030" + trade.TransactionId,
            ["out_refund_no"] = trade.RefundNo,
            ["transaction_id"] = trade.TransactionId,
            ["out_trade_no"] = orderNo,
            ["channel"] = "ORIGINAL",
            ["status"] = "PROCESSING",
            ["amount"] = new JsonObject { ["total"] = long.Parse(trade.Amount, CultureInfo.InvariantCulture), ["refund"] = long.Parse(trade.Amount, CultureInfo.InvariantCulture), ["currency"] = "CNY" },
        }.ToJsonString());
    }

    /// <summary>Checks Authorization: WECHATPAY2-SHA256-RSA2048 with our merchant's public key over method, path and query, timestamp, nonce and body.</summary>
    private bool CheckWeChatAuthorization(HttpContext ctx, string body)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("WECHATPAY2-SHA256-RSA2048 ", StringComparison.Ordinal))
        {
            Refused.Enqueue($"no WECHATPAY2 authorization on {ctx.Request.Path}");
            return false;
        }

        var parts = AuthorizationParts.Matches(header).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var message = $"{ctx.Request.Method}\n{ctx.Request.Path}{ctx.Request.QueryString}\n{parts.GetValueOrDefault("timestamp")}\n{parts.GetValueOrDefault("nonce_str")}\n{body}\n";
        var ok = parts.GetValueOrDefault("mchid") == FakeGatewayKeys.MchId
            && parts.GetValueOrDefault("serial_no") == Keys.MerchantSerialNo
            && Keys.MerchantKey.VerifyData(Encoding.UTF8.GetBytes(message), Convert.FromBase64String(parts.GetValueOrDefault("signature") ?? string.Empty), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (!ok)
        {
            Refused.Enqueue($"bad WECHATPAY2 signature on {ctx.Request.Path}");
        }

        return ok;
    }

    private async Task WeChatAnswer(HttpContext ctx, int status, string json)
    {
        foreach (var (name, value) in WeChatSignatureHeaders(json, DateTimeOffset.UtcNow, Keys.PlatformKey, Keys.PlatformSerial))
        {
            ctx.Response.Headers[name] = value;
        }

        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(json);
    }

    private static Dictionary<string, string> WeChatSignatureHeaders(string body, DateTimeOffset at, RSA key, string serial)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var signature = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes($"{timestamp}\n{nonce}\n{body}\n"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return new Dictionary<string, string>
        {
            ["Wechatpay-Timestamp"] = timestamp,
            ["Wechatpay-Nonce"] = nonce,
            ["Wechatpay-Signature"] = signature,
            ["Wechatpay-Serial"] = serial,
            ["Wechatpay-Signature-Type"] = "WECHATPAY2-SHA256-RSA2048",
        };
    }

    private static JsonObject WeChatTransaction(FakeTrade trade, string fen)
    {
        var paid = trade.TransactionId is not null;
        var transaction = new JsonObject
        {
            ["appid"] = FakeGatewayKeys.AppId,
            ["mchid"] = FakeGatewayKeys.MchId,
            ["out_trade_no"] = trade.OrderNo,
            ["trade_type"] = trade.PayerOpenId is null ? "NATIVE" : "JSAPI",
            ["trade_state"] = paid ? "SUCCESS" : "NOTPAY",
            ["trade_state_desc"] = paid ? "支付成功" : "订单未支付",
        };
        if (paid)
        {
            transaction["transaction_id"] = trade.TransactionId;
            transaction["bank_type"] = "OTHERS";
            transaction["success_time"] = trade.PaidAt!.Value.ToOffset(Beijing).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            transaction["payer"] = new JsonObject { ["openid"] = trade.PayerOpenId ?? "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" };
            transaction["amount"] = new JsonObject
            {
                ["total"] = long.Parse(fen, CultureInfo.InvariantCulture), ["payer_total"] = long.Parse(fen, CultureInfo.InvariantCulture),
                ["currency"] = "CNY", ["payer_currency"] = "CNY",
            };
        }

        return transaction;
    }

    /// <summary>The resident pays a WeChat order (scans the QR code and confirms); no notification is sent yet.</summary>
    public FakeTrade PayWeChat(string orderNo, DateTimeOffset? at = null)
    {
        var trade = Trades[orderNo];
        lock (trade)
        {
            trade.TransactionId ??= Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture) + "20261202";
            trade.PaidAt ??= at ?? DateTimeOffset.UtcNow;
        }

        return trade;
    }

    /// <summary>How to spoil a WeChat notification for a test.</summary>
    public sealed record WeChatTampering(string? Fen = null, DateTimeOffset? SignedAt = null, bool WrongKey = false, bool FlipBody = false, string? ApiV3Key = null);

    /// <summary>The notification WeChat Pay sends for a paid trade: the transaction encrypted with the APIv3 key, the envelope signed with the platform key.</summary>
    public (Dictionary<string, string> Headers, string Body) WeChatNotification(string orderNo, WeChatTampering? tamper = null)
    {
        var trade = Trades[orderNo];
        var resource = WeChatTransaction(trade, tamper?.Fen ?? trade.Amount).ToJsonString();
        return WeChatEnvelope("TRANSACTION.SUCCESS", "transaction", "支付成功", resource, tamper);
    }

    /// <summary>A notification's envelope: the resource encrypted with the APIv3 key, the whole signed with the platform key.</summary>
    private (Dictionary<string, string> Headers, string Body) WeChatEnvelope(string eventType, string originalType, string summary, string resource, WeChatTampering? tamper)
    {
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6)); // 12 characters, as WeChat sends
        var associated = originalType;
        var plain = Encoding.UTF8.GetBytes(resource);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(Encoding.UTF8.GetBytes(tamper?.ApiV3Key ?? Keys.ApiV3Key), 16))
        {
            aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plain, cipher, tag, Encoding.UTF8.GetBytes(associated));
        }

        var body = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["create_time"] = DateTimeOffset.UtcNow.ToOffset(Beijing).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            ["resource_type"] = "encrypt-resource",
            ["event_type"] = eventType,
            ["summary"] = summary,
            ["resource"] = new JsonObject
            {
                ["original_type"] = originalType,
                ["algorithm"] = "AEAD_AES_256_GCM",
                ["ciphertext"] = Convert.ToBase64String([.. cipher, .. tag]),
                ["associated_data"] = associated,
                ["nonce"] = nonce,
            },
        }.ToJsonString();
        var headers = WeChatSignatureHeaders(body, tamper?.SignedAt ?? DateTimeOffset.UtcNow,
            tamper?.WrongKey == true ? Keys.OtherPlatformKey : Keys.PlatformKey, tamper?.WrongKey == true ? Keys.OtherCertificate.SerialNumber : Keys.PlatformSerial);
        if (tamper?.FlipBody == true)
        {
            body = body.Replace("\"encrypt-resource\"", "\"encrypt-resource \"", StringComparison.Ordinal);
        }

        return (headers, body);
    }

    /// <summary>Sends a WeChat notification to the trade's notify_url, as WeChat Pay does: POST, JSON body, signature headers.</summary>
    public async Task<HttpResponseMessage> SendWeChatAsync(string orderNo, (Dictionary<string, string> Headers, string Body) notification)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Trades[orderNo].NotifyUrl)
        {
            Content = new StringContent(notification.Body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in notification.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.UserAgent.ParseAdd("Mozilla/4.0");
        return await _notifier.SendAsync(request);
    }

    /// <summary>The refund's result as WeChat Pay reports it: REFUND.SUCCESS, or REFUND.ABNORMAL / REFUND.CLOSED when it failed.</summary>
    public (Dictionary<string, string> Headers, string Body) WeChatRefundNotification(string orderNo, string status = "SUCCESS", WeChatTampering? tamper = null)
    {
        var trade = Trades[orderNo];
        var fen = long.Parse(tamper?.Fen ?? trade.Amount, CultureInfo.InvariantCulture);
        var refund = new JsonObject
        {
            ["mchid"] = FakeGatewayKeys.MchId,
            ["out_trade_no"] = trade.OrderNo,
            ["transaction_id"] = trade.TransactionId,
            ["out_refund_no"] = trade.RefundNo,
            ["refund_id"] = "5030" + trade.TransactionId,
            ["refund_status"] = status,
            ["user_received_account"] = "支付用户零钱",
            ["amount"] = new JsonObject { ["total"] = long.Parse(trade.Amount, CultureInfo.InvariantCulture), ["refund"] = fen, ["payer_total"] = long.Parse(trade.Amount, CultureInfo.InvariantCulture), ["payer_refund"] = fen },
        };
        if (status == "SUCCESS")
        {
            trade.RefundedAt ??= DateTimeOffset.UtcNow;
            refund["success_time"] = trade.RefundedAt.Value.ToOffset(Beijing).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }

        return WeChatEnvelope("REFUND." + status, "refund", status == "SUCCESS" ? "退款成功" : "退款异常", refund.ToJsonString(), tamper);
    }

    public async Task<HttpResponseMessage> SendWeChatRefundAsync(string orderNo, (Dictionary<string, string> Headers, string Body) notification)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Trades[orderNo].RefundNotifyUrl ?? Trades[orderNo].NotifyUrl)
        {
            Content = new StringContent(notification.Body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in notification.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _notifier.SendAsync(request);
    }

    /// <summary>
    /// 网页授权, snsapi_base: WeChat signs the user in silently and sends the browser back to
    /// redirect_uri with a one-time code and the state it was given, unchanged.
    /// </summary>
    private async Task WeChatAuthorize(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        if (q["appid"] != FakeGatewayKeys.AppId || q["response_type"] != "code" || q["scope"] != "snsapi_base"
            || !Uri.TryCreate(q["redirect_uri"], UriKind.Absolute, out var back))
        {
            Refused.Enqueue($"bad authorize request {ctx.Request.QueryString}");
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("10003 redirect_uri 参数错误");
            return;
        }

        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        _codes[code] = SignedInOpenId;
        var separator = back.Query.Length > 0 ? "&" : "?";
        ctx.Response.Redirect($"{back}{separator}code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
    }

    /// <summary>sns/oauth2/access_token: the code, once, with our app id and secret, for the openid.</summary>
    private async Task WeChatAccessToken(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        ctx.Response.ContentType = "application/json";
        if (q["appid"] != FakeGatewayKeys.AppId || q["secret"] != FakeGatewayKeys.AppSecret || q["grant_type"] != "authorization_code")
        {
            Refused.Enqueue("bad access_token request");
            await ctx.Response.WriteAsync("""{"errcode":40125,"errmsg":"invalid appsecret"}""");
            return;
        }

        if (!_codes.TryRemove(q["code"].ToString(), out var openId))
        {
            await ctx.Response.WriteAsync("""{"errcode":40029,"errmsg":"invalid code"}""");
            return;
        }

        IssuedOpenIds.Add(openId);
        await ctx.Response.WriteAsync(new JsonObject
        {
            ["access_token"] = "ACCESS" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
            ["expires_in"] = 7200,
            ["refresh_token"] = "REFRESH" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
            ["openid"] = openId,
            ["scope"] = "snsapi_base",
        }.ToJsonString());
    }

    // ---------------------------------------------------------------- Alipay open API

    private async Task AlipayApi(HttpContext ctx)
    {
        var form = (await ctx.Request.ReadFormAsync()).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        var method = form.GetValueOrDefault("method") ?? string.Empty;
        var node = method.Replace('.', '_') + "_response";
        if (!CheckAlipayRequest(form))
        {
            await AlipayAnswer(ctx, node, new JsonObject { ["code"] = "40002", ["msg"] = "Invalid Arguments", ["sub_code"] = "isv.invalid-signature", ["sub_msg"] = "验签出错" });
            return;
        }

        var biz = JsonNode.Parse(form["biz_content"])!;
        var orderNo = (string)biz["out_trade_no"]!;
        switch (method)
        {
            case "alipay.trade.precreate":
                Trades[orderNo] = new FakeTrade { Channel = "alipay", OrderNo = orderNo, Amount = (string)biz["total_amount"]!, NotifyUrl = form["notify_url"] };
                await AlipayAnswer(ctx, node, new JsonObject { ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = orderNo, ["qr_code"] = $"https://qr.alipay.com/fake{orderNo}" });
                return;
            case "alipay.trade.query" when Trades.TryGetValue(orderNo, out var trade):
                var answer = new JsonObject
                {
                    ["code"] = "10000", ["msg"] = "Success", ["out_trade_no"] = orderNo, ["total_amount"] = trade.Amount,
                    ["trade_status"] = trade.TransactionId is null ? "WAIT_BUYER_PAY" : "TRADE_SUCCESS",
                };
                if (trade.TransactionId is not null)
                {
                    answer["trade_no"] = trade.TransactionId;
                    answer["send_pay_date"] = AlipayTime(trade.PaidAt!.Value);
                }

                await AlipayAnswer(ctx, node, answer);
                return;
            case "alipay.trade.query":
                await AlipayAnswer(ctx, node, new JsonObject { ["code"] = "40004", ["msg"] = "Business Failed", ["sub_code"] = "ACQ.TRADE_NOT_EXIST", ["sub_msg"] = "交易不存在" });
                return;
            case "alipay.trade.refund" when Trades.TryGetValue(orderNo, out var paid) && paid.TransactionId is not null && (string?)biz["refund_amount"] == paid.Amount:
                paid.RefundNo = (string?)biz["out_request_no"];
                paid.RefundNotifyUrl = paid.NotifyUrl;
                RefundsAsked.Enqueue(orderNo);
                await AlipayAnswer(ctx, node, new JsonObject
                {
                    ["code"] = "10000", ["msg"] = "Success", ["trade_no"] = paid.TransactionId, ["out_trade_no"] = orderNo, ["fund_change"] = "Y", ["refund_fee"] = paid.Amount,
                });
                return;
            default:
                await AlipayAnswer(ctx, node, new JsonObject { ["code"] = "40004", ["msg"] = "Business Failed", ["sub_code"] = "ACQ.TRADE_NOT_EXIST", ["sub_msg"] = "交易不存在" });
                return;
        }
    }

    /// <summary>The cashier page a browser is sent to by alipay.trade.page.pay: checks the signed query, shows the amount, and a button to pay.</summary>
    private async Task AlipayCashier(HttpContext ctx)
    {
        var query = ctx.Request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        if (query.GetValueOrDefault("method") != "alipay.trade.page.pay" || !CheckAlipayRequest(query))
        {
            ctx.Response.StatusCode = 400;
            await ctx.Response.WriteAsync("invalid-signature");
            return;
        }

        var biz = JsonNode.Parse(query["biz_content"])!;
        var orderNo = (string)biz["out_trade_no"]!;
        var trade = Trades.GetOrAdd(orderNo, _ => new FakeTrade
        {
            Channel = "alipay", OrderNo = orderNo, Amount = (string)biz["total_amount"]!, NotifyUrl = query["notify_url"], ReturnUrl = query.GetValueOrDefault("return_url"),
        });
        ctx.Response.ContentType = "text/html; charset=utf-8";
        await ctx.Response.WriteAsync($"""
            <!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>支付宝收银台（测试）</title></head>
            <body style="font-family: sans-serif; padding: 1rem"><h1>支付宝收银台（测试网关）</h1>
            <p>订单 {WebUtility.HtmlEncode(orderNo)}</p><p id="amount">¥{WebUtility.HtmlEncode(trade.Amount)}</p><p>{WebUtility.HtmlEncode((string?)biz["subject"])}</p>
            <form method="post" action="/fake/alipay/pay"><input type="hidden" name="order" value="{WebUtility.HtmlEncode(orderNo)}"><button type="submit">确认付款</button></form></body></html>
            """);
    }

    /// <summary>The resident confirms on the cashier page: Alipay sends the notification, then sends the browser back to return_url.</summary>
    private async Task AlipayPay(HttpContext ctx)
    {
        var orderNo = (await ctx.Request.ReadFormAsync())["order"].ToString();
        var trade = PayAlipay(orderNo);
        await SendAlipayAsync(orderNo, AlipayNotification(orderNo));
        var back = new Dictionary<string, string>
        {
            ["app_id"] = FakeGatewayKeys.AlipayAppId, ["method"] = "alipay.trade.page.pay.return", ["out_trade_no"] = orderNo,
            ["trade_no"] = trade.TransactionId!, ["total_amount"] = trade.Amount, ["seller_id"] = FakeGatewayKeys.AlipaySellerId,
            ["timestamp"] = AlipayTime(DateTimeOffset.UtcNow), ["charset"] = "utf-8", ["version"] = "1.0",
        };
        back["sign"] = AlipaySign(back.Where(p => p.Key != "sign_type"));
        back["sign_type"] = "RSA2";
        ctx.Response.Redirect($"{trade.ReturnUrl}{(trade.ReturnUrl!.Contains('?', StringComparison.Ordinal) ? "&" : "?")}{string.Join("&", back.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"))}");
    }

    private bool CheckAlipayRequest(Dictionary<string, string> parameters)
    {
        var ok = parameters.GetValueOrDefault("app_id") == FakeGatewayKeys.AlipayAppId
            && parameters.GetValueOrDefault("sign_type") == "RSA2"
            && parameters.TryGetValue("sign", out var sign)
            && Keys.AlipayAppKey.VerifyData(Encoding.UTF8.GetBytes(SignContent(parameters.Where(p => p.Key != "sign"))), Convert.FromBase64String(sign), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (!ok)
        {
            Refused.Enqueue($"bad Alipay request signature for {parameters.GetValueOrDefault("method")}");
        }

        return ok;
    }

    private async Task AlipayAnswer(HttpContext ctx, string node, JsonObject answer)
    {
        var text = answer.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var sign = Convert.ToBase64String(Keys.AlipayPlatformKey.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await ctx.Response.WriteAsync($"{{\"{node}\":{text},\"sign\":\"{sign}\"}}");
    }

    public FakeTrade PayAlipay(string orderNo, DateTimeOffset? at = null)
    {
        var trade = Trades[orderNo];
        lock (trade)
        {
            trade.TransactionId ??= "2026120222001" + Interlocked.Increment(ref _sequence).ToString(CultureInfo.InvariantCulture);
            trade.PaidAt ??= at ?? DateTimeOffset.UtcNow;
        }

        return trade;
    }

    /// <summary>The asynchronous notification Alipay posts for a paid trade, signed RSA2 over its sorted parameters (without sign and sign_type).</summary>
    public Dictionary<string, string> AlipayNotification(string orderNo, string? totalAmount = null, bool wrongKey = false)
    {
        var trade = Trades[orderNo];
        var form = new Dictionary<string, string>
        {
            ["notify_time"] = AlipayTime(DateTimeOffset.UtcNow),
            ["notify_type"] = "trade_status_sync",
            ["notify_id"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
            ["app_id"] = FakeGatewayKeys.AlipayAppId,
            ["charset"] = "utf-8",
            ["version"] = "1.0",
            ["trade_no"] = trade.TransactionId!,
            ["out_trade_no"] = orderNo,
            ["trade_status"] = "TRADE_SUCCESS",
            ["total_amount"] = totalAmount ?? trade.Amount,
            ["receipt_amount"] = totalAmount ?? trade.Amount,
            ["buyer_pay_amount"] = totalAmount ?? trade.Amount,
            ["subject"] = "物业服务费",
            ["seller_id"] = FakeGatewayKeys.AlipaySellerId,
            ["buyer_id"] = "2088102177846875",
            ["gmt_create"] = AlipayTime(trade.PaidAt!.Value.AddSeconds(-20)),
            ["gmt_payment"] = AlipayTime(trade.PaidAt!.Value),
        };
        form["sign"] = AlipaySign(form, wrongKey ? Keys.OtherPlatformKey : Keys.AlipayPlatformKey);
        form["sign_type"] = "RSA2";
        return form;
    }

    /// <summary>
    /// What Alipay posts to the trade's notify_url when a refund has gone back: the trade's
    /// parameters with refund_fee, gmt_refund and out_biz_no (our refund request number);
    /// TRADE_CLOSED once the whole amount is refunded.
    /// </summary>
    public Dictionary<string, string> AlipayRefundNotification(string orderNo, string? refundFee = null, bool wrongKey = false)
    {
        var trade = Trades[orderNo];
        trade.RefundedAt ??= DateTimeOffset.UtcNow;
        var form = AlipayNotification(orderNo);
        form.Remove("sign");
        form.Remove("sign_type");
        form["notify_id"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        form["trade_status"] = "TRADE_CLOSED";
        form["refund_fee"] = refundFee ?? trade.Amount;
        form["out_biz_no"] = trade.RefundNo!;
        form["gmt_refund"] = trade.RefundedAt.Value.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
        form["gmt_close"] = AlipayTime(trade.RefundedAt.Value);
        form["sign"] = AlipaySign(form, wrongKey ? Keys.OtherPlatformKey : Keys.AlipayPlatformKey);
        form["sign_type"] = "RSA2";
        return form;
    }

    public async Task<HttpResponseMessage> SendAlipayAsync(string orderNo, Dictionary<string, string> form) =>
        await _notifier.PostAsync(Trades[orderNo].NotifyUrl, new FormUrlEncodedContent(form));

    private string AlipaySign(IEnumerable<KeyValuePair<string, string>> parameters, RSA? key = null) =>
        Convert.ToBase64String((key ?? Keys.AlipayPlatformKey).SignData(Encoding.UTF8.GetBytes(SignContent(parameters)), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <summary>The gateway's own reading of the RSA2 signing string, written from the documentation, not shared with the app.</summary>
    private static string SignContent(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join("&", parameters.Where(p => p.Value.Length > 0).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    private static string AlipayTime(DateTimeOffset at) => at.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- daily statements

    /// <summary>
    /// WeChat Pay's trade bill for a Beijing day, as /v3/bill/tradebill's download gives it: a header,
    /// one row per trade with every value behind a backquote, then the summary block.
    /// </summary>
    public string WeChatTradeBill(DateOnly day, params (string TransactionId, string OrderNo, decimal Yuan)[] planted) => WeChatTradeBill(day, planted, []);

    /// <summary>The trade bill of type ALL: payments, then refunds done that day (交易状态 REFUND), with planted ones of each.</summary>
    public string WeChatTradeBill(DateOnly day, IEnumerable<(string TransactionId, string OrderNo, decimal Yuan)> planted, IEnumerable<(string RefundNo, string TransactionId, string OrderNo, decimal Yuan)> plantedRefunds)
    {
        var header = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
        var rows = Trades.Values.Where(t => t.Channel == "wechat" && t.PaidAt is { } at && DateOnly.FromDateTime(at.ToOffset(Beijing).DateTime) == day)
            .Select(t => (t.TransactionId!, t.OrderNo, long.Parse(t.Amount, CultureInfo.InvariantCulture) / 100m, t.PaidAt!.Value))
            .Concat(planted.Select(p => (p.TransactionId, p.OrderNo, p.Yuan, new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), Beijing))))
            .ToList();
        var text = new StringBuilder(header).Append("\r\n");
        foreach (var (transaction, order, yuan, at) in rows)
        {
            var amount = yuan.ToString("0.00", CultureInfo.InvariantCulture);
            string[] values =
            [
                at.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), FakeGatewayKeys.AppId, FakeGatewayKeys.MchId, "0", "",
                transaction, order, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE", "SUCCESS", "OTHERS", "CNY", amount, "0.00", "0", "0", "0.00", "0.00", "", "",
                "物业服务费", "", "0.00000", "0.60%", amount, "0.00", "",
            ];
            text.Append(string.Join(",", values.Select(v => "`" + v))).Append("\r\n");
        }

        var refunds = RefundsOn("wechat", day, plantedRefunds);
        foreach (var (refundNo, transaction, order, yuan, at) in refunds)
        {
            var amount = yuan.ToString("0.00", CultureInfo.InvariantCulture);
            string[] values =
            [
                at.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), FakeGatewayKeys.AppId, FakeGatewayKeys.MchId, "0", "",
                transaction, order, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "NATIVE", "REFUND", "OTHERS", "CNY", "0.00", "0.00", "5030" + transaction, refundNo, amount, "0.00", "ORIGINAL", "SUCCESS",
                "物业服务费", "", "0.00000", "0.60%", amount, amount, "",
            ];
            text.Append(string.Join(",", values.Select(v => "`" + v))).Append("\r\n");
        }

        var total = rows.Sum(r => r.Item3).ToString("0.00", CultureInfo.InvariantCulture);
        var refunded = refunds.Sum(r => r.Yuan).ToString("0.00", CultureInfo.InvariantCulture);
        text.Append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n");
        text.Append($"`{rows.Count + refunds.Count},`{total},`{refunded},`0.00,`0.00000,`{total},`{refunded}\r\n");
        return text.ToString();
    }

    /// <summary>Alipay's business-detail bill for a Beijing day: '#' comment lines, a header, tab-padded rows, the end marker and totals.</summary>
    public string AlipayBill(DateOnly day, params (string TransactionId, string OrderNo, decimal Yuan)[] planted) => AlipayBill(day, planted, []);

    /// <summary>The business-detail bill with 退款 rows (amounts negative, 退款批次号/请求号 our refund number), planted ones of each.</summary>
    public string AlipayBill(DateOnly day, IEnumerable<(string TransactionId, string OrderNo, decimal Yuan)> planted, IEnumerable<(string RefundNo, string TransactionId, string OrderNo, decimal Yuan)> plantedRefunds)
    {
        var rows = Trades.Values.Where(t => t.Channel == "alipay" && t.PaidAt is { } at && DateOnly.FromDateTime(at.ToOffset(Beijing).DateTime) == day)
            .Select(t => (t.TransactionId!, t.OrderNo, decimal.Parse(t.Amount, CultureInfo.InvariantCulture), t.PaidAt!.Value))
            .Concat(planted.Select(p => (p.TransactionId, p.OrderNo, p.Yuan, new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), Beijing))))
            .ToList();
        var text = new StringBuilder();
        text.Append("#支付宝业务明细查询\r\n");
        text.Append($"#账号：[{FakeGatewayKeys.AlipaySellerId}0156]\r\n");
        text.Append($"#起始日期：[{day:yyyy年MM月dd日} 00:00:00]   终止日期：[{day.AddDays(1):yyyy年MM月dd日} 00:00:00]\r\n");
        text.Append("#-----------------------------------------业务明细列表----------------------------------------\r\n");
        text.Append("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\r\n");
        foreach (var (transaction, order, yuan, at) in rows)
        {
            var amount = yuan.ToString("0.00", CultureInfo.InvariantCulture);
            var time = at.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            string[] values = [transaction, order, "交易", "物业服务费", time, time, "", "", "", "", "住户（***）", amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", "", "0.00", "0.00", ""];
            text.Append(string.Join(",", values.Select(v => v + "\t"))).Append("\r\n");
        }

        foreach (var (refundNo, transaction, order, yuan, at) in RefundsOn("alipay", day, plantedRefunds))
        {
            var amount = "-" + yuan.ToString("0.00", CultureInfo.InvariantCulture);
            var time = at.ToOffset(Beijing).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            string[] values = [transaction, order, "退款", "物业服务费", time, time, "", "", "", "", "住户（***）", amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", refundNo, "0.00", "0.00", ""];
            text.Append(string.Join(",", values.Select(v => v + "\t"))).Append("\r\n");
        }

        text.Append("#-----------------------------------------业务明细列表结束------------------------------------\r\n");
        text.Append($"#交易合计：{rows.Count}笔，商家实收共{rows.Sum(r => r.Item3):0.00}元\r\n");
        text.Append($"#导出时间：[{DateTimeOffset.UtcNow.ToOffset(Beijing):yyyy年MM月dd日 HH:mm:ss}]\r\n");
        return text.ToString();
    }

    private List<(string RefundNo, string TransactionId, string OrderNo, decimal Yuan, DateTimeOffset At)> RefundsOn(
        string channel, DateOnly day, IEnumerable<(string RefundNo, string TransactionId, string OrderNo, decimal Yuan)> planted) =>
        Trades.Values.Where(t => t.Channel == channel && t.RefundNo is not null && t.RefundedAt is { } at && DateOnly.FromDateTime(at.ToOffset(Beijing).DateTime) == day)
            .Select(t => (t.RefundNo!, t.TransactionId!, t.OrderNo,
                channel == "wechat" ? long.Parse(t.Amount, CultureInfo.InvariantCulture) / 100m : decimal.Parse(t.Amount, CultureInfo.InvariantCulture), t.RefundedAt!.Value))
            .Concat(planted.Select(p => (p.RefundNo, p.TransactionId, p.OrderNo, p.Yuan, new DateTimeOffset(day.ToDateTime(new TimeOnly(15, 0)), Beijing))))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        _notifier.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
