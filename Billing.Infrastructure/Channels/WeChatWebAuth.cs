using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>
/// WeChat's web sign-in (网页授权) with scope snsapi_base: inside WeChat's browser the resident is
/// sent to WeChat, which sends them straight back with a one-time code; the code is exchanged
/// server-side, with the official account's secret, for the resident's openid under our app id,
/// which a JSAPI order names as its payer. The state parameter carries a value the browser's
/// session holds, so a code cannot be planted in someone else's session.
/// </summary>
public sealed class WeChatWebAuth(HttpClient http, WeChatPayOptions options)
{
    /// <summary>Where to send the browser: WeChat's authorize page, coming back to <paramref name="redirect"/> with code and state.</summary>
    public Uri AuthorizeUrl(Uri redirect, string state)
    {
        var url = QueryHelpers.AddQueryString(options.OAuthAuthorizeUrl, new Dictionary<string, string?>
        {
            ["appid"] = options.AppId,
            ["redirect_uri"] = redirect.AbsoluteUri,
            ["response_type"] = "code",
            ["scope"] = "snsapi_base",
            ["state"] = state,
        });
        // WeChat wants the fragment whether the page is opened directly or reached by a redirect.
        return new Uri(url + "#wechat_redirect");
    }

    /// <summary>Exchanges a sign-in code for the openid (sns/oauth2/access_token); a code works once.</summary>
    public async Task<string> OpenIdAsync(string code, CancellationToken ct = default)
    {
        var url = QueryHelpers.AddQueryString(options.OAuthApiBaseUrl.TrimEnd('/') + "/sns/oauth2/access_token", new Dictionary<string, string?>
        {
            ["appid"] = options.AppId,
            ["secret"] = options.AppSecret,
            ["code"] = code,
            ["grant_type"] = "authorization_code",
        });
        using var response = await http.GetAsync(url, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ChannelException($"WeChat sign-in answered {(int)response.StatusCode}");
        }

        try
        {
            using var answer = JsonDocument.Parse(text);
            var root = answer.RootElement;
            if (root.TryGetProperty("errcode", out var errcode) && errcode.ValueKind == JsonValueKind.Number && errcode.GetInt32() != 0)
            {
                // The secret is in the request, never in the message.
                throw new ChannelException($"WeChat sign-in refused the code: {errcode.GetInt32()} {(root.TryGetProperty("errmsg", out var m) ? m.GetString() : null)}");
            }

            return root.TryGetProperty("openid", out var openid) && openid.GetString() is { Length: > 0 } value
                ? value
                : throw new ChannelException("WeChat sign-in answered without an openid");
        }
        catch (JsonException e)
        {
            throw new ChannelException("WeChat sign-in answered something that is not JSON", e);
        }
    }
}
