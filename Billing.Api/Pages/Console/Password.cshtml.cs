using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

public sealed class PasswordModel(StaffAccounts accounts) : ConsolePageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? current, string? next, CancellationToken ct)
    {
        try
        {
            await accounts.ChangePasswordAsync(Person, current ?? string.Empty, next ?? string.Empty, ct);
        }
        catch (InputRejectedException rejected)
        {
            Reject(rejected);
            return Page();
        }

        // The stamp changed with the password: sign this session in again with the new one, the others end.
        await HttpContext.SignInAsync(ConsoleAccess.Scheme, ConsoleAccess.Principal((await accounts.FindAsync(Person.UserName, ct))!));
        Notice = "密码已修改。";
        return Redirect("/console");
    }
}
