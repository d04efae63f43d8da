using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

[Authorize(Policy = ConsoleAccess.ClerkOrManager)]
public sealed class RunCancelModel(NpgsqlDataSource db, StaffAudit audit) : ConsolePageModel
{
    public IActionResult OnGet(long id) => Redirect($"/console/runs/{id}");

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await RunModel.OwnRunAsync(db, id, Operator, ct) is null)
        {
            return NotFound();
        }

        try
        {
            await new BillingRuns(db).CancelAsync(id, ct);
            await audit.RecordAsync(Person, "取消出账", $"出账第 {id} 批", string.Empty, ct);
            Notice = $"已取消第 {id} 批。";
        }
        catch (RunStateException state)
        {
            Notice = "不能取消：" + state.Message;
        }

        return Redirect($"/console/runs/{id}");
    }
}
