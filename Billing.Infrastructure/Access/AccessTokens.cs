using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace RedProperty.Billing.Infrastructure.Access;

/// <summary>The three kinds of users and what each token is scoped to.</summary>
public enum AccessRole
{
    /// <summary>物业财务: full access to one operator's communities.</summary>
    FinanceStaff,

    /// <summary>业主/住户: one household's statements, points and payments.</summary>
    Resident,

    /// <summary>区财政: one district's reconciliation and claims, read-only.</summary>
    DistrictFinance,
}

/// <param name="Scope">The operator code, household code or district name the token is limited to.</param>
public sealed record AccessGrant(AccessRole Role, string Scope, string Subject);

/// <summary>
/// Signed bearer tokens (JWT, HMAC-SHA256). The signing key comes from configuration
/// (Auth:SigningKey, e.g. the environment variable Auth__SigningKey) and is never built in.
/// </summary>
public static class AccessTokens
{
    public const string Issuer = "redproperty-billing";
    public const string Audience = "redproperty-billing-api";
    public const string RoleClaim = "role";
    public const string ScopeClaim = "scope";
    public const string ConfigurationKey = "Auth:SigningKey";

    public static string RoleName(AccessRole role) => role switch
    {
        AccessRole.FinanceStaff => "finance",
        AccessRole.Resident => "resident",
        _ => "district",
    };

    public static bool TryParseRole(string? text, out AccessRole role)
    {
        switch (text)
        {
            case "finance": role = AccessRole.FinanceStaff; return true;
            case "resident": role = AccessRole.Resident; return true;
            case "district": role = AccessRole.DistrictFinance; return true;
            default: role = default; return false;
        }
    }

    /// <summary>The key, refused when missing or shorter than 32 bytes (HMAC-SHA256 needs 256 bits).</summary>
    public static SymmetricSecurityKey Key(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured) || Encoding.UTF8.GetByteCount(configured) < 32)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} must be set to a secret of at least 32 characters (environment variable Auth__SigningKey); "
                + "the Api does not start without it, and the Worker's token command uses the same key.");
        }

        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
    }

    public static string Issue(AccessGrant grant, string? signingKey, Instant now, Duration lifetime)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", grant.Subject),
                new Claim(RoleClaim, RoleName(grant.Role)),
                new Claim(ScopeClaim, grant.Scope),
            ]),
            IssuedAt = now.ToDateTimeUtc(),
            NotBefore = now.ToDateTimeUtc(),
            Expires = (now + lifetime).ToDateTimeUtc(),
            SigningCredentials = new SigningCredentials(Key(signingKey), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    public static TokenValidationParameters Validation(string? signingKey) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = Key(signingKey),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RoleClaimType = RoleClaim,
        NameClaimType = "sub",
        ClockSkew = TimeSpan.FromMinutes(1),
    };

    /// <summary>The grant a validated principal carries, or null when its claims do not make one.</summary>
    public static AccessGrant? GrantOf(ClaimsPrincipal user)
    {
        var role = user.FindFirst(RoleClaim)?.Value;
        var scope = user.FindFirst(ScopeClaim)?.Value;
        return TryParseRole(role, out var parsed) && !string.IsNullOrEmpty(scope)
            ? new AccessGrant(parsed, scope, user.FindFirst("sub")?.Value ?? string.Empty)
            : null;
    }
}
