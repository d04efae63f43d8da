using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Api.FinanceConsole;

/// <summary>What every console page knows: who is signed in, for which operator, and the message left by the last action.</summary>
public abstract class ConsolePageModel : PageModel
{
    public StaffPerson Person => User.Person();

    /// <summary>The operator whose data this person works on; every query of a console page is limited to it.</summary>
    public string Operator => Person.Scope;

    [TempData]
    public string? Notice { get; set; }

    public List<InputError> Errors { get; } = [];

    public bool Has(StaffRole role) => User.Has(role);

    protected void Reject(InputRejectedException rejected) => Errors.AddRange(rejected.Errors);
}
