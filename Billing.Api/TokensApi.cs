using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using Npgsql;
using RedProperty.Billing.Infrastructure.Access;

namespace RedProperty.Billing.Api;

/// <summary>Signing out: the caller's own token is revoked at once, on every Api instance (the denylist is in PostgreSQL).</summary>
public static class TokensApi
{
    public static ApiAudiences MapTokensApi(this ApiAudiences audiences)
    {
        audiences.SignedIn.MapPost("/api/tokens/current/revocation", Revoke);
        return audiences;
    }

    private static async Task<NoContent> Revoke(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var jti = http.User.FindFirst(AccessTokens.IdClaim)!.Value;
        var expires = http.User.FindFirst("exp")?.Value is { } exp && long.TryParse(exp, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? Instant.FromUnixTimeSeconds(seconds)
            : SystemClock.Instance.GetCurrentInstant() + AccessTokens.MaxLifetime;
        await new TokenRevocations(db).RevokeAsync(jti, expires, "signed out", ct);
        return TypedResults.NoContent();
    }
}
