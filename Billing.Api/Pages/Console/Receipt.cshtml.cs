using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Infrastructure.Counter;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>A receipt, printed at once after a payment or again later: the one stored when it was first issued.</summary>
[Authorize(Policy = ConsoleAccess.Staff)]
public sealed class ReceiptModelPage(NpgsqlDataSource db, ConsoleQueries queries) : ConsolePageModel
{
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await queries.PaymentOperatorAsync(id, ct) != Operator || await new CounterPayments(db).ReceiptAsync(id, Person, ct) is not { } receipt)
        {
            return NotFound();
        }

        // The stored bytes: a reprint is the first print, whenever and by whomever it is asked for.
        return File(receipt.Pdf, "application/pdf");
    }
}
