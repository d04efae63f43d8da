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

    /// <summary>A token id, so that one token can be revoked (see <see cref="TokenRevocations"/>).</summary>
    public const string IdClaim = "jti";

    /// <summary>What the token command issues when no lifetime is asked for: a working day.</summary>
    public static readonly Duration DefaultLifetime = Duration.FromHours(12);

    /// <summary>No token lives longer; a longer one is refused even when correctly signed.</summary>
    public static readonly Duration MaxLifetime = Duration.FromDays(30);

    /// <summary>
    /// The key, refused when missing, shorter than 32 bytes (HMAC-SHA256 needs 256 bits), or made of
    /// fewer than 8 different characters ("aaaa…", "0101…"), which is a placeholder, not a secret.
    /// </summary>
    public static SymmetricSecurityKey Key(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured) || Encoding.UTF8.GetByteCount(configured) < 32 || configured.Distinct().Count() < 8)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} must be set to a random secret of at least 32 characters (environment variable Auth__SigningKey), "
                + "not one character repeated; the Api does not start without it, and the Worker's token command uses the same key.");
        }

        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
    }

    public static string Issue(AccessGrant grant, string? signingKey, Instant now, Duration lifetime)
    {
        if (lifetime <= Duration.Zero || lifetime > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"A token lives at most {MaxLifetime.Days} days.");
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", grant.Subject),
                new Claim(RoleClaim, RoleName(grant.Role)),
                new Claim(ScopeClaim, grant.Scope),
                new Claim(IdClaim, Guid.NewGuid().ToString("N")),
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

    /// <summary>
    /// The grant a validated principal carries, or null when its claims do not make one: exactly one
    /// known role and one scope. A token with two roles is no grant at all, rather than whichever
    /// role happens to come first.
    /// </summary>
    public static AccessGrant? GrantOf(ClaimsPrincipal user)
    {
        var roles = user.FindAll(RoleClaim).ToList();
        var scopes = user.FindAll(ScopeClaim).ToList();
        if (roles.Count != 1 || scopes.Count != 1)
        {
            return null;
        }

        var role = roles[0].Value;
        var scope = scopes[0].Value;
        return TryParseRole(role, out var parsed) && !string.IsNullOrEmpty(scope)
            ? new AccessGrant(parsed, scope, user.FindFirst("sub")?.Value ?? string.Empty)
            : null;
    }
}
