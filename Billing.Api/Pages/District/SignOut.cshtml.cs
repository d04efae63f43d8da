using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using RedProperty.Billing.Api.DistrictPages;
using RedProperty.Billing.Api.FinanceConsole;

namespace RedProperty.Billing.Api.Pages.District;

/// <summary>Signing out of the district desk ends the same console cookie the sign-in gave.</summary>
public sealed class SignOutModel : DistrictPageModel
{
    public IActionResult OnGet() => Redirect("/district");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleAccess.Scheme);
        return Redirect("/console/sign-in?ReturnUrl=%2Fdistrict");
    }
}
