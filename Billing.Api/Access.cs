using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Npgsql;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Api;

/// <summary>
/// Who may call what. Every endpoint names one of these policies; the handlers then check the
/// token's scope against the data (this operator's community, this household, this district),
/// answering 404 rather than revealing that someone else's record exists.
/// </summary>
public static class Access
{
    public const string FinanceStaff = "finance-staff";
    public const string Resident = "resident";
    public const string DistrictFinance = "district-finance";
    public const string FinanceOrResident = "finance-or-resident";
    public const string FinanceOrDistrict = "finance-or-district";

    public static IServiceCollection AddBillingAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var validation = AccessTokens.Validation(configuration[AccessTokens.ConfigurationKey]);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                options.MapInboundClaims = false;
                options.TokenValidationParameters = validation;
                options.Events = new JwtBearerEvents { OnTokenValidated = TokenChecks.ValidateAsync };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(FinanceStaff, p => p.RequireClaim(AccessTokens.RoleClaim, "finance"))
            .AddPolicy(Resident, p => p.RequireClaim(AccessTokens.RoleClaim, "resident"))
            .AddPolicy(DistrictFinance, p => p.RequireClaim(AccessTokens.RoleClaim, "district"))
            .AddPolicy(FinanceOrResident, p => p.RequireClaim(AccessTokens.RoleClaim, "finance", "resident"))
            .AddPolicy(FinanceOrDistrict, p => p.RequireClaim(AccessTokens.RoleClaim, "finance", "district"));
        services.AddSingleton<ScopeDirectory>();
        return services;
    }

    public static AccessGrant Grant(this ClaimsPrincipal user) =>
        AccessTokens.GrantOf(user) ?? throw new InvalidOperationException("An authorised request carries no grant: the policies and claims disagree.");
}

/// <summary>Where a community or household belongs, for scope checks.</summary>
public sealed class ScopeDirectory(NpgsqlDataSource db)
{
    public async Task<(string Operator, string District)?> CommunityAsync(string community, CancellationToken ct)
    {
        return await db.QueryRowAsync<CommunityScopeRow>("select operator_code, district from community where code = @c", new { c = community }, ct) is { } found
            ? (found.OperatorCode, found.District)
            : null;
    }

    public async Task<bool> MayManageCommunityAsync(AccessGrant grant, string community, CancellationToken ct) =>
        grant.Role == AccessRole.FinanceStaff && await CommunityAsync(community, ct) is { } c && c.Operator == grant.Scope;

    /// <summary>A resident sees their own household; finance staff the households of their operator's communities.</summary>
    public async Task<bool> MaySeeHouseholdAsync(AccessGrant grant, string household, CancellationToken ct)
    {
        if (grant.Role == AccessRole.Resident)
        {
            return grant.Scope == household;
        }

        if (grant.Role != AccessRole.FinanceStaff)
        {
            return false;
        }

        await using var cmd = db.CreateCommand("select c.operator_code from household h join community c on c.code = h.community_code where h.code = @h");
        cmd.Parameters.AddWithValue("h", household);
        return await cmd.ExecuteScalarAsync(ct) is string op && op == grant.Scope;
    }

    public async Task<IReadOnlySet<string>> CommunitiesOfOperatorAsync(string operatorCode, CancellationToken ct)
    {
        var codes = await db.QueryRowsAsync<string>("select code from community where operator_code = @o", new { o = operatorCode }, ct);
        return codes.ToHashSet(StringComparer.Ordinal);
    }

    private sealed record CommunityScopeRow(string OperatorCode, string District);
}

/// <summary>
/// What a correctly signed, unexpired token must also be: one grant (one role, one scope), an id,
/// a lifetime within the limit, and not revoked. Anything else is a 401, never a 500 later in a handler.
/// </summary>
internal static class TokenChecks
{
    /// <summary>Set when the denylist could not be read because PostgreSQL is down: the answer is then 503, not 401.</summary>
    public const string DatabaseDown = "billing:database-down";

    public static async Task ValidateAsync(TokenValidatedContext context)
    {
        var user = context.Principal!;
        if (AccessTokens.GrantOf(user) is null)
        {
            context.Fail("The token carries no single grant (one role and one scope).");
            return;
        }

        var jti = user.FindFirst(AccessTokens.IdClaim)?.Value;
        if (string.IsNullOrEmpty(jti))
        {
            context.Fail("The token has no id (jti), so it could not be revoked; it is not accepted.");
            return;
        }

        if (context.SecurityToken.ValidTo - context.SecurityToken.ValidFrom > AccessTokens.MaxLifetime.ToTimeSpan())
        {
            context.Fail("The token lives longer than tokens may.");
            return;
        }

        try
        {
            var revocations = new TokenRevocations(context.HttpContext.RequestServices.GetRequiredService<NpgsqlDataSource>());
            if (await revocations.IsRevokedAsync(jti, context.HttpContext.RequestAborted))
            {
                context.Fail("The token was revoked.");
            }
        }
        catch (Exception e) when (DatabaseOutage.Is(e))
        {
            context.HttpContext.Items[DatabaseDown] = true;
            context.Fail("The token could not be checked against the revocation list.");
        }
    }
}
