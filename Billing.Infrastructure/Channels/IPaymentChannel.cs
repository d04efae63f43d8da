using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>How the resident is asked to pay: a QR code to scan, WeChat's in-app sheet, or Alipay's cashier page.</summary>
public enum OrderMode
{
    /// <summary>WeChat Pay Native: a code_url shown as a QR code.</summary>
    Native,

    /// <summary>WeChat Pay JSAPI: a prepay_id and signed parameters for WeChat's in-app browser.</summary>
    JsApi,

    /// <summary>Alipay precreate: a qr_code to scan.</summary>
    Precreate,

    /// <summary>Alipay page pay: the browser goes to Alipay's cashier page.</summary>
    Page,
}

public static class OrderModes
{
    public static string Name(this OrderMode mode) => mode switch
    {
        OrderMode.Native => "native",
        OrderMode.JsApi => "jsapi",
        OrderMode.Precreate => "precreate",
        _ => "page",
    };

    public static OrderMode Parse(string name) => name switch
    {
        "native" => OrderMode.Native,
        "jsapi" => OrderMode.JsApi,
        "precreate" => OrderMode.Precreate,
        "page" => OrderMode.Page,
        _ => throw new ArgumentException($"unknown order mode '{name}'", nameof(name)),
    };

    public static PaymentChannel Channel(this OrderMode mode) => mode is OrderMode.Native or OrderMode.JsApi ? PaymentChannel.WeChatPay : PaymentChannel.Alipay;
}

/// <summary>What we ask a channel to collect.</summary>
/// <param name="NotifyUrl">Where the channel sends its notification.</param>
/// <param name="ReturnUrl">Where a browser comes back to after a cashier page (Alipay page pay).</param>
/// <param name="PayerId">The payer's openid, needed by JSAPI.</param>
public sealed record OrderRequest(string OrderNo, OrderMode Mode, Money Amount, string Description, Uri NotifyUrl, Uri? ReturnUrl, string? PayerId);

/// <summary>
/// What the resident's page needs to start paying: a QR payload (code_url / qr_code), the signed
/// parameters for WeChat's in-app sheet, or an address to send the browser to.
/// </summary>
public sealed record ChannelOrder(string OrderNo, string? QrPayload, IReadOnlyDictionary<string, string>? JsApiParameters, Uri? RedirectUrl);

/// <summary>A payment the channel vouches for (a verified notification or a query answer).</summary>
public sealed record ChannelPayment(PaymentChannel Channel, string OrderNo, string TransactionId, Money Amount, Instant PaidAt);

/// <summary>Where a trade stands at the channel, from a query.</summary>
public sealed record ChannelTrade(string OrderNo, bool Paid, string State, ChannelPayment? Payment);

public sealed record ChannelRefund(string RefundNo, string? ChannelRefundId, bool Accepted, string State);

/// <summary>A notification as it arrived: the headers the channel signs with and the raw body.</summary>
public sealed record InboundNotification(IReadOnlyDictionary<string, string> Headers, string Body, string? ContentType);

/// <summary>A notification that checked out: the payment it reports, a refund's result, or neither (a closed trade).</summary>
public sealed record VerifiedNotification(ChannelPayment? Payment, string Event, ChannelRefundNotice? Refund = null);

/// <summary>
/// A refund's result as the channel reports it: done (the money went back), or failed (closed or
/// abnormal: the payment stays in force). <paramref name="RefundNo"/> is ours, the key that makes
/// copies of the notification count once.
/// </summary>
public sealed record ChannelRefundNotice(
    PaymentChannel Channel, string OrderNo, string RefundNo, string? ChannelRefundId, Money Amount, bool Succeeded, string State, Instant? RefundedAt);

/// <summary>A notification we refuse, with the reason (for the log) and a code for the answer.</summary>
public sealed class NotificationRejectedException(string code, string message, string? orderNo = null, string? transactionId = null) : Exception(message)
{
    public string Code { get; } = code;

    public string? OrderNo { get; } = orderNo;

    public string? TransactionId { get; } = transactionId;
}

/// <summary>The channel answered with an error or an answer we cannot trust.</summary>
public sealed class ChannelException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One payment channel (WeChat Pay, Alipay) as the rest of the system sees it: create an order,
/// check a notification, ask where a trade stands, refund. Implementations follow each channel's
/// documented protocol; tests run the same code against a fake gateway on loopback.
/// </summary>
public interface IPaymentChannel
{
    PaymentChannel Channel { get; }

    IReadOnlyList<OrderMode> Modes { get; }

    Task<ChannelOrder> CreateOrderAsync(OrderRequest request, CancellationToken ct = default);

    /// <summary>Checks the signature (and, where the protocol has one, the time window) and reads the payment out.</summary>
    VerifiedNotification VerifyNotification(InboundNotification notification);

    Task<ChannelTrade> QueryAsync(string orderNo, CancellationToken ct = default);

    /// <summary>Asks for a refund; an accepted one is pending until the channel's refund notification says how it ended.</summary>
    Task<ChannelRefund> RefundAsync(string orderNo, string transactionId, string refundNo, Money refund, Money total, string reason, Uri? notifyUrl, CancellationToken ct = default);
}
