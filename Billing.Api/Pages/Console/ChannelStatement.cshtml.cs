using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Channels;
using RedProperty.Billing.Infrastructure.Excel;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>
/// One uploaded daily statement reconciled: worked out again from the stored file and today's
/// records (a payment recorded since shows as matched), on the page and as an Excel workbook.
/// </summary>
[Authorize(Policy = ConsoleAccess.Staff)]
public sealed class ChannelStatementModel(NpgsqlDataSource db) : ConsolePageModel
{
    public ChannelStatementImport Import { get; private set; } = null!;

    public ChannelReconciliationResult Result { get; private set; } = null!;

    public static readonly IReadOnlyList<(ReconciliationOutcome Outcome, string Id, string Title)> Sections =
    [
        (ReconciliationOutcome.MissingOnOurSide, "missing-ours", "我方缺少（渠道有、系统无）"),
        (ReconciliationOutcome.MissingOnTheirs, "missing-theirs", "渠道缺少（系统有、渠道无）"),
        (ReconciliationOutcome.AmountDiffers, "amount-differs", "金额不符"),
        (ReconciliationOutcome.Matched, "matched", "相符"),
    ];

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) => await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnGetXlsxAsync(long id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refused)
        {
            return refused;
        }

        return File(ChannelStatements.Excel(Result), Spreadsheets.ContentType, $"渠道对账-{Import.Channel.Name()}-{Import.Date:yyyy-MM-dd}.xlsx");
    }

    private async Task<IActionResult?> LoadAsync(long id, CancellationToken ct)
    {
        if (!ChannelStatementsModel.MayReconcile(this))
        {
            return Forbid();
        }

        if (await new ChannelStatementImports(db).FindAsync(Operator, id, ct) is not { } found)
        {
            return NotFound();
        }

        Import = found.Import;
        var bill = ChannelStatements.Read(Import.Channel, ChannelStatements.Decode(found.Content), Import.FileName);
        Result = await new ChannelStatements(db).ReconcileAsync(Import.Channel, Import.Date, bill, Operator, ct);
        return null;
    }
}
