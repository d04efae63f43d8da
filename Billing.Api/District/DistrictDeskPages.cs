using Microsoft.AspNetCore.Mvc.RazorPages;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.DistrictPages;

/// <summary>
/// The district desk in the browser: pages under /district for district finance (区财政), signed in
/// through the console's sign-in with an account scoped to one district. Operator staff are
/// refused (403); every query is limited to the district the account is for.
/// </summary>
public static class DistrictDeskPages
{
    public const string Policy = "district-desk";

    public static IServiceCollection AddDistrictDeskPages(this IServiceCollection services)
    {
        // The cookie says "district" both as the token role and as the console role, and carries the district as scope.
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(ConsoleAccess.Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(AccessTokens.RoleClaim, "district")
            .RequireClaim(ConsoleAccess.RoleClaim, StaffRole.District.Name())
            .RequireAssertion(c => !string.IsNullOrWhiteSpace(c.User.FindFirst(AccessTokens.ScopeClaim)?.Value)));
        services.Configure<RazorPagesOptions>(options => options.Conventions.AuthorizeFolder("/District", Policy));
        return services;
    }
}
