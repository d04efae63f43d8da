using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.FinanceConsole;

/// <summary>
/// Sign-in for people at the finance office: a cookie of its own scheme beside the Api's bearer
/// tokens. The cookie carries the same role and scope claims as a token (so scope checks written
/// for the Api hold for the console), plus the person's console roles and a security stamp that a
/// password change renews, ending the account's other sessions.
/// </summary>
public static class ConsoleAccess
{
    public const string Scheme = "console";
    public const string Staff = "console-staff";
    public const string Cashier = "console-cashier";
    public const string Clerk = "console-clerk";
    public const string Manager = "console-manager";
    public const string ClerkOrManager = "console-clerk-or-manager";
    public const string Admin = "console-admin";
    public const string AuditReader = "console-audit";
    public const string RoleClaim = "console_role";
    public const string StampClaim = "stamp";

    public static IServiceCollection AddConsoleAccess(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "billing.console";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/console/sign-in";
            options.LogoutPath = "/console/sign-out";
            options.ExpireTimeSpan = TimeSpan.FromHours(9);
            options.SlidingExpiration = true;
            options.Events.OnValidatePrincipal = ValidateStampAsync;
            // Only a person in a browser is sent to the sign-in page; a machine calling the dashboard keeps its 401.
            options.Events.OnRedirectToLogin = context =>
            {
                var request = context.Request;
                var person = request.Path.StartsWithSegments("/console") || request.Path.StartsWithSegments("/district")
                    || (request.Path.StartsWithSegments("/hangfire") && request.Headers.Authorization.Count == 0 && request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal));
                if (person)
                {
                    context.Response.Redirect(context.RedirectUri);
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                }

                return Task.CompletedTask;
            };
            // A signed-in person without the role gets a plain 403, not a redirect that hides it.
            options.Events.OnRedirectToAccessDenied = async context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(
                    "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/css/site.css\"><body><main class=\"site-main\"><h1>无权操作</h1><p>您的账号没有此项权限。</p><p><a href=\"/console\">返回工作台</a></p></main></body></html>");
            };
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(Staff, p => OperatorStaff(p))
            .AddPolicy(Cashier, p => OperatorStaff(p).RequireClaim(RoleClaim, StaffRole.Cashier.Name()))
            .AddPolicy(Clerk, p => OperatorStaff(p).RequireClaim(RoleClaim, StaffRole.Clerk.Name()))
            .AddPolicy(Manager, p => OperatorStaff(p).RequireClaim(RoleClaim, StaffRole.Manager.Name()))
            .AddPolicy(ClerkOrManager, p => OperatorStaff(p).RequireClaim(RoleClaim, StaffRole.Clerk.Name(), StaffRole.Manager.Name()))
            .AddPolicy(Admin, p => OperatorStaff(p).RequireClaim(RoleClaim, StaffRole.Admin.Name()))
            .AddPolicy(AuditReader, p => OperatorStaff(p).RequireClaim(RoleClaim, StaffRole.Admin.Name(), StaffRole.Manager.Name()));
        return services;
    }

    /// <summary>The Hangfire dashboard: machines with a finance token as before, or a signed-in administrator.</summary>
    public static AuthorizationPolicy DashboardPolicy { get; } = new AuthorizationPolicyBuilder(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme, Scheme)
        .RequireAssertion(c => c.User.Identities.Any(i => i.IsAuthenticated && i.HasClaim(AccessTokens.RoleClaim, "finance")
            && (i.AuthenticationType != Scheme || i.HasClaim(RoleClaim, StaffRole.Admin.Name()))))
        .Build();

    public static ClaimsPrincipal Principal(StaffAccount account)
    {
        var claims = new List<Claim>
        {
            new("sub", account.UserName),
            new("name", account.DisplayName),
            new(AccessTokens.RoleClaim, account.ScopeKind == StaffScopeKind.Operator ? "finance" : "district"),
            new(AccessTokens.ScopeClaim, account.Scope),
            new(StampClaim, account.SecurityStamp),
        };
        claims.AddRange(account.Roles.Select(r => new Claim(RoleClaim, r.Name())));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme, "name", RoleClaim));
    }

    /// <summary>The signed-in person, as the records name them.</summary>
    public static StaffPerson Person(this ClaimsPrincipal user) => new(
        user.FindFirst("sub")?.Value ?? throw new InvalidOperationException("A console request carries no user name."),
        user.FindFirst("name")?.Value ?? string.Empty,
        user.FindFirst(AccessTokens.ScopeClaim)?.Value ?? string.Empty);

    public static bool Has(this ClaimsPrincipal user, StaffRole role) => user.HasClaim(RoleClaim, role.Name());

    private static AuthorizationPolicyBuilder OperatorStaff(AuthorizationPolicyBuilder policy) =>
        policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(AccessTokens.RoleClaim, "finance");

    /// <summary>A cookie issued before the password changed (or for an account since removed) no longer signs anyone in.</summary>
    private static async Task ValidateStampAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal;
        var accounts = context.HttpContext.RequestServices.GetRequiredService<StaffAccounts>();
        var account = user?.FindFirst("sub")?.Value is { } name ? await accounts.FindAsync(name, context.HttpContext.RequestAborted) : null;
        if (account is null || account.SecurityStamp != user!.FindFirst(StampClaim)?.Value)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }
}
