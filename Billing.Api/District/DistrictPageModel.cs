using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.DistrictPages;

/// <summary>What every district desk page knows: who is signed in and for which district; every query is limited to it.</summary>
public abstract class DistrictPageModel : PageModel
{
    public StaffPerson Person => User.Person();

    /// <summary>The district this account is for, as the register names it (e.g. 开发区).</summary>
    public string District => Person.Scope;

    [TempData]
    public string? Notice { get; set; }

    /// <summary>Set when the page cannot show what was asked for; the page says so instead of showing an empty 通过.</summary>
    public string? Missing { get; protected set; }

    /// <summary>A month in the address, or null (then the page answers 404 with what a month looks like).</summary>
    protected static YearMonth? ParsePeriod(string? period) =>
        period is not null && BillingPeriod.Pattern.Parse(period) is { Success: true } parsed ? parsed.Value : null;

    /// <summary>The page itself with a 404 status and a sentence, so no other district's names are ever shown.</summary>
    protected IActionResult NotFoundPage(string message)
    {
        Missing = message;
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }
}
