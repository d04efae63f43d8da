using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.Cookies;
using NodaTime;
using RedProperty.Billing.Infrastructure.Residents;

namespace RedProperty.Billing.Api.Web;

/// <summary>
/// How residents reach their page: a signed link from the statement's QR code, a check of the
/// phone on file (rate-limited per address, locked per household after repeated failures), then a
/// short-lived cookie of its own scheme that names the household and nothing else. The Api's
/// bearer tokens and the finance console's sign-in are separate schemes; this one opens only /r/.
/// </summary>
public static class ResidentAccess
{
    public const string Scheme = "resident-cookie";
    public const string Policy = "resident-page";
    public const string HouseholdClaim = "household";
    public const string CheckRateLimit = "resident-check";

    public static IServiceCollection AddResidentAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "billing.resident";
            options.Cookie.Path = "/r";
            options.Cookie.HttpOnly = true;
            // Lax, so the browser still sends it when Alipay's cashier sends the resident back here.
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromMinutes(30);
            options.SlidingExpiration = true;
            options.LoginPath = "/r/expired";
            options.AccessDeniedPath = "/r/expired";
        });
        services.AddAuthorization(options => options.AddPolicy(Policy, p => p.AddAuthenticationSchemes(Scheme).RequireClaim(HouseholdClaim)));
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Guesses are limited per client address; the household lock (ResidentChecks) stops guesses spread over many addresses.
            options.AddPolicy(CheckRateLimit, http => HttpMethods.IsPost(http.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("read"));
        });
        services.AddSingleton(sp => ResidentLinks.FromConfiguration(configuration, sp.GetRequiredService<IClock>()));
        services.AddSingleton<ResidentChecks>();
        services.AddSingleton<ResidentAccount>();
        return services;
    }

    public static ClaimsPrincipal Principal(string household, string? statementNo) =>
        new(new ClaimsIdentity(
            [new Claim(HouseholdClaim, household), .. statementNo is null ? Array.Empty<Claim>() : [new Claim("statement", statementNo)]],
            Scheme, HouseholdClaim, null));

    public static string Household(this ClaimsPrincipal user) =>
        user.FindFirstValue(HouseholdClaim) ?? throw new InvalidOperationException("a resident page was reached without a household claim");

    /// <summary>Where the channels send notifications and Alipay sends the browser back: configured, or this request's own address.</summary>
    public static Uri PublicBase(HttpRequest request, IConfiguration configuration) =>
        configuration["PaymentChannels:PublicBaseUrl"] is { Length: > 0 } configured ? new Uri(configured.TrimEnd('/') + "/") : new Uri($"{request.Scheme}://{request.Host}/");
}
