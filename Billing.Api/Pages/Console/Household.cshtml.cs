using Microsoft.AspNetCore.Mvc;
using RedProperty.Billing.Api.FinanceConsole;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>One household: register history, statements with their PDFs, and the ledger. Another operator's household is not found.</summary>
public sealed class HouseholdModel(ConsoleQueries queries) : ConsolePageModel
{
    public HouseholdRow? Household { get; private set; }

    public IReadOnlyList<StatementRow> Statements { get; private set; } = [];

    public IReadOnlyList<LedgerRow> Ledger { get; private set; } = [];

    public IReadOnlyList<HouseholdVersionRow> History { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string code, CancellationToken ct)
    {
        Household = await queries.HouseholdAsync(Operator, code, ct);
        if (Household is null)
        {
            return NotFound();
        }

        Statements = await queries.StatementsAsync(code, ct);
        Ledger = await queries.LedgerAsync(code, ct);
        History = await queries.RegisterHistoryAsync(code, ct);
        return Page();
    }
}
