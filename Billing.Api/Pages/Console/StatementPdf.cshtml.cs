using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Api.Pages.Console;

public sealed class StatementPdfModel(NpgsqlDataSource db, ConsoleQueries queries) : ConsolePageModel
{
    public async Task<IActionResult> OnGetAsync(string code, string period, CancellationToken ct)
    {
        var month = BillingPeriod.Pattern.Parse(period);
        if (!month.Success || await queries.HouseholdAsync(Operator, code, ct) is null || !HouseholdCode.TryParse(code, out var household))
        {
            return NotFound();
        }

        return await new StatementStore(db).PdfAsync(household, month.Value, ct) is { } pdf ? File(pdf.Content, "application/pdf") : NotFound();
    }
}
