using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Infrastructure.Payments;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>A receipt, printed at once after a payment or again later; the same page each time.</summary>
[Authorize(Policy = ConsoleAccess.Staff)]
public sealed class ReceiptModelPage(NpgsqlDataSource db, ConsoleQueries queries) : ConsolePageModel
{
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await queries.PaymentOperatorAsync(id, ct) != Operator || await new PaymentStore(db).ReceiptAsync(id, ct) is not { } receipt)
        {
            return NotFound();
        }

        return File(PaymentDocuments.Receipt(receipt), "application/pdf");
    }
}
