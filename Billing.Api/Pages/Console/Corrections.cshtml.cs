using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Corrections;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>
/// Corrections of issued statements: a clerk makes them; one above the operator's threshold waits
/// for a finance manager other than its maker; one in effect is billed as a line of the household's
/// next statement. Issued statements are never changed.
/// </summary>
[Authorize(Policy = ConsoleAccess.ClerkOrManager)]
public sealed class CorrectionsModel(NpgsqlDataSource db, StaffAudit audit) : ConsolePageModel
{
    [BindProperty(SupportsGet = true, Name = "statement")]
    public string? StatementNo { get; set; }

    public IReadOnlyList<CorrectionView> Corrections { get; private set; } = [];

    /// <summary>The operator's threshold, from its profile (rates/operators/).</summary>
    public Money ApprovalAbove => DocumentContext.Default.CorrectionApprovalAbove(Operator);

    public bool MayDecide(CorrectionView c) => c.Status == CorrectionStatus.Pending && Has(StaffRole.Manager) && c.MadeBy != Person.UserName;

    public async Task OnGetAsync(CancellationToken ct) => Corrections = await new CorrectionStore(db).ListAsync(Operator, ct: ct);

    public async Task<IActionResult> OnPostMakeAsync(string? statement, string? amount, string? reason, CancellationToken ct)
    {
        if (!Has(StaffRole.Clerk))
        {
            return Forbid();
        }

        StatementNo = statement;
        if (!decimal.TryParse(amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
        {
            Errors.Add(new InputError("更正", null, "amount", "correction.amount.invalid", "金额为元，最多两位小数；负数为减免（退还），正数为补收"));
            await OnGetAsync(ct);
            return Page();
        }

        try
        {
            var made = await new CorrectionStore(db).MakeAsync(Operator, statement ?? string.Empty, new Money(yuan), reason, Person, ApprovalAbove, ct);
            var what = $"对账单 {made.StatementNo} 更正 {made.Amount.ToFenString()} 元：{made.Reason}";
            await audit.RecordAsync(Person, "更正制单", $"住户 {made.Household}", made.NeedsApproval ? what + "（待审核）" : what + "（直接生效）", ct);
            Notice = made.NeedsApproval
                ? $"更正 {made.Id} 已提交：金额超过 {ApprovalAbove.ToFenString()} 元，须由另一位审核人批准后生效。"
                : $"更正 {made.Id} 已生效，将在住户下期对账单中列为一行。";
            return RedirectToPage();
        }
        catch (InputRejectedException rejected)
        {
            Reject(rejected);
            await OnGetAsync(ct);
            return Page();
        }
    }

    public Task<IActionResult> OnPostApproveAsync(long id, string? note, CancellationToken ct) => DecideAsync(id, true, note, ct);

    public Task<IActionResult> OnPostRejectAsync(long id, string? note, CancellationToken ct) => DecideAsync(id, false, note, ct);

    private async Task<IActionResult> DecideAsync(long id, bool approve, string? note, CancellationToken ct)
    {
        if (!Has(StaffRole.Manager))
        {
            return Forbid();
        }

        try
        {
            var decided = await new CorrectionStore(db).DecideAsync(Operator, id, approve, note, Person, ct);
            await audit.RecordAsync(Person, approve ? "批准更正" : "退回更正", $"住户 {decided.Household}",
                $"更正 {decided.Id}（{decided.MadeByName} 制单）对账单 {decided.StatementNo} {decided.Amount.ToFenString()} 元{(decided.Note is { } n ? "：" + n : string.Empty)}", ct);
            Notice = approve ? $"已批准更正 {id}，将在住户下期对账单中列为一行。" : $"已退回更正 {id}。";
            return RedirectToPage();
        }
        catch (CorrectionRefusedException refused)
        {
            Errors.Add(new InputError("更正", null, "id", "correction.decision.refused", refused.Message));
            Response.StatusCode = StatusCodes.Status409Conflict;
            await OnGetAsync(ct);
            return Page();
        }
        catch (InputRejectedException rejected)
        {
            Reject(rejected);
            await OnGetAsync(ct);
            return Page();
        }
    }
}
