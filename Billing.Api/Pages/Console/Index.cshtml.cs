using RedProperty.Billing.Api.FinanceConsole;

namespace RedProperty.Billing.Api.Pages.Console;

public sealed class IndexModel : ConsolePageModel
{
    public void OnGet()
    {
    }
}
