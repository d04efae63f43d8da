using Hangfire;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>Finance managers approve a draft; never the person who drafted it.</summary>
[Authorize(Policy = ConsoleAccess.Manager)]
public sealed class RunApproveModel(NpgsqlDataSource db, ConsoleQueries queries, StaffAudit audit, IBackgroundJobClient jobs) : ConsolePageModel
{
    public IActionResult OnGet(long id) => Redirect($"/console/runs/{id}");

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        if (await RunModel.OwnRunAsync(db, id, Operator, ct) is null)
        {
            return NotFound();
        }

        if (await queries.DrafterAsync(id, ct) is { } drafter && drafter.UserName == Person.UserName)
        {
            Notice = $"第 {id} 批由您本人生成，不能由您批准（双人复核）。";
            return Redirect($"/console/runs/{id}");
        }

        try
        {
            var communities = await new BillingRuns(db).ApproveAsync(id, Person.Signature, ct);
            await using (var cmd = db.CreateCommand("insert into billing_run_approver (run_id, user_name, display_name) values (@r, @u, @d)"))
            {
                cmd.Parameters.AddWithValue("r", id);
                cmd.Parameters.AddWithValue("u", Person.UserName);
                cmd.Parameters.AddWithValue("d", Person.DisplayName);
                await cmd.ExecuteNonQueryAsync(ct);
            }

            await audit.RecordAsync(Person, "批准发布", $"出账第 {id} 批", $"{communities.Count} 个小区", ct);
            BillingRuns.EnqueueIssues(jobs, id, communities);
            Notice = $"已批准第 {id} 批，正在发布。";
        }
        catch (RunStateException state)
        {
            Notice = "不能批准：" + state.Message;
        }

        return Redirect($"/console/runs/{id}");
    }
}
