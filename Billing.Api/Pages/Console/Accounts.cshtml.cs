using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

[Authorize(Policy = ConsoleAccess.Admin)]
public sealed class AccountsModel(StaffAccounts accounts, IClock clock) : ConsolePageModel
{
    public IReadOnlyList<StaffAccount> Accounts { get; private set; } = [];

    public Instant Now => clock.GetCurrentInstant();

    public async Task OnGetAsync(CancellationToken ct) => Accounts = await accounts.ListAsync(Operator, ct);

    public async Task<IActionResult> OnPostCreateAsync(string? userName, string? displayName, string? password, string[]? roles, CancellationToken ct)
    {
        var parsed = (roles ?? []).Select(r => StaffRoles.TryParse(r, out var role) && role != StaffRole.District ? role : (StaffRole?)null).ToList();
        try
        {
            if (parsed.Any(r => r is null))
            {
                throw new InputRejectedException([new InputError("account", null, "roles", "staff.roles.invalid", "未知角色")]);
            }

            var created = await accounts.CreateAsync(
                new NewStaffAccount((userName ?? string.Empty).Trim(), displayName ?? string.Empty, StaffScopeKind.Operator, Operator, parsed.Select(r => r!.Value).ToList()),
                password ?? string.Empty, Person, ct);
            Notice = $"已创建账号 {created.UserName}（{created.DisplayName}）。";
            return RedirectToPage();
        }
        catch (InputRejectedException rejected)
        {
            Reject(rejected);
            await OnGetAsync(ct);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostResetAsync(string? userName, string? password, CancellationToken ct)
    {
        try
        {
            await accounts.ResetPasswordAsync(userName ?? string.Empty, password ?? string.Empty, Person, ct);
            Notice = $"已重设 {userName} 的密码，账号已解锁。";
            return RedirectToPage();
        }
        catch (InputRejectedException rejected)
        {
            Reject(rejected);
            await OnGetAsync(ct);
            return Page();
        }
    }
}
