using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using RedProperty.Billing.Infrastructure.Access;

namespace RedProperty.Billing.Api;

/// <summary>
/// The framework's rate limiter: every caller (a token by its id, or an address when there is no
/// valid token) gets a number of requests a minute; payments and vouchers, and signing in, fewer.
/// Limits come from configuration (RateLimits:PerMinute, RateLimits:PaymentsPerMinute,
/// RateLimits:SignInPerMinute).
/// </summary>
public static class RateLimits
{
    /// <summary>Recording payments and spending vouchers: money moves.</summary>
    public const string Payments = "payments";

    /// <summary>For sign-in endpoints: by address, since there is no token yet.</summary>
    public const string SignIn = "sign-in";

    public static IServiceCollection AddBillingRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("RateLimits:PerMinute", 600);
        var paymentsPerMinute = configuration.GetValue("RateLimits:PaymentsPerMinute", 120);
        var signInPerMinute = configuration.GetValue("RateLimits:SignInPerMinute", 10);
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Window(Caller(http), perMinute));
            options.AddPolicy(Payments, http => Window(Caller(http), paymentsPerMinute));
            // Only attempts count: reading the sign-in form costs a guesser nothing.
            options.AddPolicy(SignIn, http => HttpMethods.IsPost(http.Request.Method) ? Window(Address(http), signInPerMinute) : RateLimitPartition.GetNoLimiter("sign-in-form"));
            options.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = $"Try again in {(int)Math.Ceiling(wait.TotalSeconds)} s." },
                });
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Window(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });

    private static string Caller(HttpContext http) =>
        http.User.FindFirst(AccessTokens.IdClaim)?.Value is { } jti ? $"token:{jti}" : Address(http);

    private static string Address(HttpContext http) => $"address:{http.Connection.RemoteIpAddress}";
}
