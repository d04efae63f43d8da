using Microsoft.AspNetCore.Mvc.RazorPages;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.FinanceConsole;

/// <summary>The finance console: pages under /console, signed in with the console cookie; every page needs a signed-in operator's staff member unless it says more.</summary>
public static class ConsoleServices
{
    public static IServiceCollection AddBillingConsole(this IServiceCollection services)
    {
        services.AddConsoleAccess();
        services.AddSingleton<StaffAccounts>();
        services.AddSingleton<StaffAudit>();
        services.AddSingleton<ConsoleQueries>();
        services.Configure<RazorPagesOptions>(options =>
        {
            options.Conventions.AuthorizeFolder("/Console", ConsoleAccess.Staff);
            options.Conventions.AllowAnonymousToPage("/Console/SignIn");
        });
        return services;
    }
}
