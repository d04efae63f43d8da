using NodaTime;
using Npgsql;
using RedProperty.Billing.Infrastructure.Access;

namespace RedProperty.Billing.Api;

/// <summary>Signing out: the caller's own token is revoked at once, on every Api instance (the denylist is in PostgreSQL).</summary>
public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/tokens/current/revocation", Revoke).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> Revoke(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var jti = http.User.FindFirst(AccessTokens.IdClaim)!.Value;
        var expires = http.User.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? Instant.FromUnixTimeSeconds(seconds)
            : SystemClock.Instance.GetCurrentInstant() + AccessTokens.MaxLifetime;
        await new TokenRevocations(db).RevokeAsync(jti, expires, "signed out", ct);
        return TypedResults.NoContent();
    }
}
