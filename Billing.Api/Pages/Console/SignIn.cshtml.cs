using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(RateLimits.SignIn)]
public sealed class SignInModel(StaffAccounts accounts, StaffAudit audit) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? UserName { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Message { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>District finance works at the district desk; operator staff at the console.</summary>
    private static string HomeOf(StaffAccount account) => account.ScopeKind == StaffScopeKind.District ? "/district" : "/console";

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var outcome = await accounts.SignInAsync((UserName ?? string.Empty).Trim(), Password ?? string.Empty, ct);
        switch (outcome)
        {
            case SignInOutcome.SignedIn signedIn:
                await HttpContext.SignInAsync(ConsoleAccess.Scheme, ConsoleAccess.Principal(signedIn.Account));
                await audit.RecordAsync(signedIn.Account.Person, "登录", $"账号 {signedIn.Account.UserName}", string.Empty, ct);
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) && ReturnUrl.StartsWith("/", StringComparison.Ordinal) ? ReturnUrl : HomeOf(signedIn.Account));
            case SignInOutcome.LockedOut locked:
                var until = locked.Until.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]);
                Message = $"账号已锁定（连续 {StaffAccounts.MaxFailedAttempts} 次密码错误），请于 {until:HH:mm} 后再试，或请管理员重设密码。";
                break;
            default:
                Message = "用户名或密码不正确。";
                break;
        }

        Password = null;
        return Page();
    }
}
