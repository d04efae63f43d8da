using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using RedProperty.Billing.Infrastructure.Channels;

namespace RedProperty.Billing.Api.Web;

/// <summary>
/// The residents' page inside WeChat: the browser is recognised by its MicroMessenger user agent,
/// sent through WeChat's silent sign-in (snsapi_base) with a random state that a short-lived
/// cookie of its own also holds, and on the way back the code is exchanged server-side for the
/// openid, which is added to the resident's session. A callback whose state is not the one this
/// browser was given is refused (cross-site request forgery).
/// </summary>
public static class WeChatSignIn
{
    public const string OpenIdClaim = "openid";
    public const string CallbackPath = "r/wechat/signed-in";
    public const string JsApiTempData = "jsapi";
    private const string StateCookie = "billing.wxstate";

    public static bool IsWeChatBrowser(HttpRequest request) =>
        request.Headers.UserAgent.ToString().Contains("MicroMessenger", StringComparison.OrdinalIgnoreCase);

    /// <summary>Remembers a new state in this browser and gives WeChat's sign-in address that returns to <see cref="CallbackPath"/>.</summary>
    public static Uri Start(HttpContext http, WeChatWebAuth auth, Uri root)
    {
        var state = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        http.Response.Cookies.Append(StateCookie, state, new CookieOptions
        {
            HttpOnly = true,
            Path = "/r",
            // Lax: WeChat sends the browser back with a top-level GET from its own site.
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromMinutes(10),
            IsEssential = true,
        });
        return auth.AuthorizeUrl(new Uri(root, CallbackPath), state);
    }

    /// <summary>True when <paramref name="state"/> is the one this browser was given; the remembered state is used up either way.</summary>
    public static bool TakeState(HttpContext http, string? state)
    {
        var remembered = http.Request.Cookies[StateCookie];
        http.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = "/r" });
        return remembered is { Length: > 0 } && state is { Length: > 0 }
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(remembered), Encoding.ASCII.GetBytes(state));
    }

    /// <summary>The resident's session again, now with the openid.</summary>
    public static ClaimsPrincipal WithOpenId(ClaimsPrincipal user, string openId) =>
        new(new ClaimsIdentity(
            user.Claims.Where(c => c.Type != OpenIdClaim).Select(c => new Claim(c.Type, c.Value)).Append(new Claim(OpenIdClaim, openId)),
            ResidentAccess.Scheme, ResidentAccess.HouseholdClaim, null));
}
