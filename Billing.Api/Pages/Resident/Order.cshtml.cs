using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using RedProperty.Billing.Api.Web;
using RedProperty.Billing.Infrastructure.Channels;

namespace RedProperty.Billing.Api.Pages.Resident;

/// <summary>
/// An order being paid: the QR code to scan (WeChat Native), then, once the channel's
/// notification has come (or a query found the payment), "paid" with the receipt. Alipay's
/// cashier sends the browser back here; what it puts in the address is not trusted, the stored
/// order is.
/// </summary>
[Authorize(Policy = ResidentAccess.Policy)]
public sealed class OrderModel(OnlinePayments payments) : PageModel
{
    public PaymentOrder Order { get; private set; } = null!;

    public string? QrImage { get; private set; }

    public string? QrPayload { get; private set; }

    /// <summary>The signed parameters for WeChat's payment sheet (JSON), on the first view of a JSAPI order only.</summary>
    public string? JsApi { get; private set; }

    public async Task<IActionResult> OnGetAsync(string orderNo, CancellationToken ct)
    {
        var order = await payments.OrderAsync(orderNo, ct);
        if (order is null || order.Household != User.Household())
        {
            return NotFound();
        }

        Order = order;
        QrPayload = TempData.Peek("qr") as string;
        // Read once: the sheet opens on the first view; a reload only waits for the notification.
        JsApi = order.PaymentId is null ? TempData[WeChatSignIn.JsApiTempData] as string : null;
        if (order.PaymentId is null && QrPayload is not null)
        {
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(QrPayload, QRCodeGenerator.ECCLevel.M);
            QrImage = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(6));
        }

        return Page();
    }

    /// <summary>"I have paid": asks the channel now rather than waiting for its notification.</summary>
    public async Task<IActionResult> OnPostQueryAsync(string orderNo, CancellationToken ct)
    {
        var order = await payments.OrderAsync(orderNo, ct);
        if (order is null || order.Household != User.Household())
        {
            return NotFound();
        }

        try
        {
            await payments.QueryAsync(orderNo, ct);
        }
        catch (Exception e) when (e is ChannelException or HttpRequestException or NotificationRejectedException)
        {
            TempData["message"] = "暂时查询不到支付结果，请稍后再试。";
        }

        return RedirectToPage(new { orderNo });
    }
}
