using Microsoft.AspNetCore.Authorization;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

[Authorize(Policy = ConsoleAccess.AuditReader)]
public sealed class AuditModel(StaffAudit audit) : ConsolePageModel
{
    public const int Limit = 500;

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Entries = await audit.ListAsync(Operator, Limit, ct);
}
