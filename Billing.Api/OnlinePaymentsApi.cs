using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Channels;

namespace RedProperty.Billing.Api;

/// <summary>
/// The channels' notification endpoints (called by WeChat Pay and Alipay, so anonymous and trusted
/// only through their signatures) and finance staff's actions on online orders: query an order
/// whose notification never came, refund a paid one.
/// </summary>
public static class OnlinePaymentsApi
{
    public const string WeChatNotifyPath = "/pay/notify/wechat";
    public const string AlipayNotifyPath = "/pay/notify/alipay";

    public static ApiAudiences MapOnlinePaymentsApi(this ApiAudiences audiences)
    {
        audiences.Machines.MapPost(WeChatNotifyPath, WeChatNotify).ExcludeFromDescription().DisableAntiforgery();
        audiences.Machines.MapPost(AlipayNotifyPath, AlipayNotify).ExcludeFromDescription().DisableAntiforgery();
        audiences.FinanceStaff.MapGet("/api/payment-orders/{orderNo}", Get).ProducesProblem(StatusCodes.Status404NotFound);
        audiences.FinanceStaff.MapPost("/api/payment-orders/{orderNo}/query", Query);
        audiences.FinanceStaff.MapPost("/api/payment-orders/{orderNo}/refund", Refund);
        return audiences;
    }

    /// <summary>
    /// WeChat Pay counts a notification delivered on 200/204 and sends it again on 4xx/5xx, whose
    /// body is {"code":"FAIL","message":…}. A copy of one already recorded is delivered (200).
    /// Payments (TRANSACTION.SUCCESS) and refunds' results (REFUND.*) come to this one address.
    /// </summary>
    private static async Task<IResult> WeChatNotify(HttpRequest request, OnlinePayments payments, CancellationToken ct)
    {
        var notification = await ReadAsync(request, ct);
        try
        {
            await payments.HandleNotificationAsync(PaymentChannel.WeChatPay, notification, ct);
            return TypedResults.NoContent();
        }
        catch (NotificationRejectedException e)
        {
            var status = e.Code is "channel.unavailable" ? StatusCodes.Status500InternalServerError : StatusCodes.Status400BadRequest;
            return TypedResults.Json(new { code = "FAIL", message = e.Message }, statusCode: status);
        }
    }

    /// <summary>Alipay counts a notification delivered when the body is exactly "success" and otherwise sends it again.</summary>
    private static async Task<IResult> AlipayNotify(HttpRequest request, OnlinePayments payments, CancellationToken ct)
    {
        var notification = await ReadAsync(request, ct);
        try
        {
            await payments.HandleNotificationAsync(PaymentChannel.Alipay, notification, ct);
            return TypedResults.Text("success", "text/plain");
        }
        catch (NotificationRejectedException)
        {
            return TypedResults.Text("failure", "text/plain");
        }
    }

    private static async Task<InboundNotification> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        // The signature covers the exact bytes sent, so the body is read raw, never re-serialised.
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new InboundNotification(headers, body, request.ContentType);
    }

    private static async Task<Results<Ok<PaymentOrderResponse>, ProblemHttpResult>> Get(string orderNo, OnlinePayments payments, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var order = await payments.OrderAsync(orderNo, ct);
        return order is null || !await scopes.MaySeeHouseholdAsync(http.User.Grant(), order.Household, ct)
            ? NotFound(orderNo)
            : TypedResults.Ok(PaymentOrderResponse.From(order));
    }

    private static async Task<Results<Ok<PaymentOrderResponse>, ProblemHttpResult>> Query(string orderNo, OnlinePayments payments, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var order = await payments.OrderAsync(orderNo, ct);
        if (order is null || !await scopes.MaySeeHouseholdAsync(http.User.Grant(), order.Household, ct))
        {
            return NotFound(orderNo);
        }

        try
        {
            return TypedResults.Ok(PaymentOrderResponse.From(await payments.QueryAsync(orderNo, ct)));
        }
        catch (NotificationRejectedException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "The channel's answer was refused", e.Message, "amount");
        }
        catch (ChannelException e)
        {
            return Problems.Field(StatusCodes.Status502BadGateway, "The channel did not answer as expected", e.Message, null);
        }
    }

    public sealed record RefundRequest(string? Reason);

    private static async Task<Results<Ok<PaymentOrderResponse>, ProblemHttpResult>> Refund(string orderNo, RefundRequest? body, OnlinePayments payments, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var order = await payments.OrderAsync(orderNo, ct);
        if (order is null || !await scopes.MaySeeHouseholdAsync(http.User.Grant(), order.Household, ct))
        {
            return NotFound(orderNo);
        }

        if (string.IsNullOrWhiteSpace(body?.Reason) || body.Reason.Length > 200)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "A refund needs a reason", "Give 'reason', 1 to 200 characters.", "reason");
        }

        try
        {
            // WeChat Pay sends the refund's result to this address; Alipay to the trade's own notify_url.
            var notify = new Uri(RedProperty.Billing.Api.Web.ResidentAccess.PublicBase(http.Request, http.RequestServices.GetRequiredService<IConfiguration>()), WeChatNotifyPath.TrimStart('/'));
            return TypedResults.Ok(PaymentOrderResponse.From(await payments.RefundAsync(orderNo, body.Reason.Trim(), http.User.Grant().Subject, order.Channel == PaymentChannel.WeChatPay ? notify : null, ct)));
        }
        catch (PaymentOrderException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "The order cannot be refunded", e.Message, "status");
        }
        catch (ChannelException e)
        {
            return Problems.Field(StatusCodes.Status502BadGateway, "The channel did not answer as expected", e.Message, null);
        }
    }

    private static ProblemHttpResult NotFound(string orderNo) =>
        Problems.Field(StatusCodes.Status404NotFound, "Order not found", $"There is no payment order {orderNo}.", null);
}

/// <summary>
/// An online payment order as the Api knows it; <paramref name="State"/> is created, paid, refund-pending,
/// refunded or refund-failed, and <paramref name="Receipt"/> is the receipt's address once a payment is recorded.
/// </summary>
public sealed record PaymentOrderResponse(
    string OrderNo, string Household, string Channel, string Mode, decimal Amount, string State,
    string? TransactionId, long? PaymentId, string? Receipt, string? RefundNo)
{
    public static PaymentOrderResponse From(PaymentOrder o) => new(
        o.OrderNo,
        o.Household,
        o.Channel.Name(),
        o.Mode.Name(),
        o.Amount.Yuan,
        o.State,
        o.TransactionId,
        o.PaymentId,
        o.PaymentId is { } id ? $"/api/payments/{id}/receipt.pdf" : null,
        o.RefundNo);
}
