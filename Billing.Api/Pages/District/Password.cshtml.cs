using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using RedProperty.Billing.Api.DistrictPages;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.District;

/// <summary>A district officer changes their own password here; the console's page is for operator staff only.</summary>
public sealed class PasswordModel(StaffAccounts accounts) : DistrictPageModel
{
    public List<InputError> Errors { get; } = [];

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
            Errors.AddRange(rejected.Errors);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        // The stamp changed with the password: this session signs in again, the others end.
        await HttpContext.SignInAsync(ConsoleAccess.Scheme, ConsoleAccess.Principal((await accounts.FindAsync(Person.UserName, ct))!));
        Notice = "密码已修改。";
        return Redirect("/district");
    }
}
