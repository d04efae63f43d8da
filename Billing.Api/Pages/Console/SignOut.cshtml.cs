using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using RedProperty.Billing.Api.FinanceConsole;

namespace RedProperty.Billing.Api.Pages.Console;

public sealed class SignOutModel : ConsolePageModel
{
    public IActionResult OnGet() => Redirect("/console");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(ConsoleAccess.Scheme);
        return Redirect("/console/sign-in");
    }
}
