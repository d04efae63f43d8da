using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RedProperty.Billing.Api.Web;
using RedProperty.Billing.Infrastructure.Channels;

namespace RedProperty.Billing.Api.Pages.Resident;

/// <summary>
/// Where WeChat's sign-in sends the resident back: the state must be the one this browser was
/// given; the code is exchanged for the openid, kept in the resident's session, and the JSAPI
/// order the resident asked for is made at once.
/// </summary>
[Authorize(Policy = ResidentAccess.Policy)]
public sealed class WeChatSignedInModel(OnlinePayments payments, IConfiguration configuration, IServiceProvider services, ILogger<WeChatSignedInModel> log) : PageModel
{
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? code, string? state, CancellationToken ct)
    {
        if (services.GetService<WeChatWebAuth>() is not { } auth)
        {
            return NotFound();
        }

        if (!WeChatSignIn.TakeState(HttpContext, state))
        {
            log.LogWarning("WeChat sign-in came back with a state this browser was not given; refused");
            Message = "授权链接无效或已过期，请返回重新点击“微信支付”。";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        if (string.IsNullOrEmpty(code))
        {
            Message = "未获得微信授权，无法在微信内支付。您也可以返回后扫码支付。";
            return Page();
        }

        string openId;
        try
        {
            openId = await auth.OpenIdAsync(code, ct);
        }
        catch (Exception e) when (e is ChannelException or HttpRequestException)
        {
            log.LogWarning("WeChat sign-in failed: {Message}", e.Message);
            Message = "微信授权暂时失败，请返回重试。";
            Response.StatusCode = StatusCodes.Status502BadGateway;
            return Page();
        }

        await HttpContext.SignInAsync(ResidentAccess.Scheme, WeChatSignIn.WithOpenId(User, openId));
        var root = ResidentAccess.PublicBase(Request, configuration);
        try
        {
            var created = await payments.CreateOrderAsync(
                User.Household(), OrderMode.JsApi, new Uri(root, OnlinePaymentsApi.WeChatNotifyPath.TrimStart('/')), null, openId, ct);
            TempData[WeChatSignIn.JsApiTempData] = JsonSerializer.Serialize(created.Start.JsApiParameters);
            return Redirect($"/r/orders/{created.Order.OrderNo}");
        }
        catch (PaymentOrderException e)
        {
            Message = e.Code == "order.nothing_due" ? "目前没有需要缴纳的费用。" : "暂时无法使用微信支付，请稍后再试或到物业服务中心缴费。";
        }
        catch (Exception e) when (e is ChannelException or HttpRequestException)
        {
            Message = "支付渠道暂时无法连接，请稍后再试。";
        }

        return Page();
    }
}
