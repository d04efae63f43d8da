using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime.Text;
using RedProperty.Billing.Api.Web;
using RedProperty.Billing.Infrastructure.Residents;

namespace RedProperty.Billing.Api.Pages.Resident;

/// <summary>One past statement as a page: its lines, each with how it was worked out, and the PDF as issued.</summary>
[Authorize(Policy = ResidentAccess.Policy)]
public sealed class StatementModel(ResidentAccount account) : PageModel
{
    public ResidentStatement Statement { get; private set; } = null!;

    public IReadOnlyList<ResidentStatementLine> Lines { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string period, CancellationToken ct)
    {
        var month = YearMonthPattern.Iso.Parse(period);
        if (!month.Success)
        {
            return NotFound();
        }

        var household = User.Household();
        var statement = (await account.StatementsAsync(household, ct)).FirstOrDefault(s => s.Period == month.Value);
        if (statement is null)
        {
            return NotFound();
        }

        (Statement, Lines) = (statement, await account.LinesAsync(household, month.Value, ct));
        return Page();
    }
}
