using RedProperty.Billing.Api.FinanceConsole;
using Microsoft.AspNetCore.Mvc;

namespace RedProperty.Billing.Api.Pages.Console;

public sealed class HouseholdsModel(ConsoleQueries queries) : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public IReadOnlyList<HouseholdRow> Found { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Q is { Length: > 0 } q)
        {
            Found = await queries.SearchHouseholdsAsync(Operator, q, 100, ct);
        }
    }
}
