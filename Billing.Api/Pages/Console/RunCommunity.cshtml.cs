using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.FinanceConsole;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api.Pages.Console;

/// <summary>A community of a run, household by household, with each line's formula: what the manager checks before approving.</summary>
[Authorize(Policy = ConsoleAccess.Staff)]
public sealed class RunCommunityModel(NpgsqlDataSource db, ConsoleQueries queries, RateCatalog rates, SubsidyCatalog subsidies, ParkingRateBook parking) : ConsolePageModel
{
    public long RunId { get; private set; }

    public string Name { get; private set; } = string.Empty;

    public CommunityBill? Bill { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Household { get; set; }

    public StatementModel? Selected => Bill?.Statements.FirstOrDefault(s => s.Household.Code.Value == Household);

    public async Task<IActionResult> OnGetAsync(long id, string code, CancellationToken ct)
    {
        var run = await RunModel.OwnRunAsync(db, id, Operator, ct);
        if (run is null || run.Communities.All(c => c.Community != code) || !CommunityCode.TryParse(code, out var community))
        {
            return NotFound();
        }

        RunId = id;
        Name = (await queries.CommunityNamesAsync(Operator, ct)).GetValueOrDefault(code, code);
        Bill = await new StoredRegisterBilling(new RegisterStore(db), rates, subsidies, StatementCalendar.Default, parking).BillAsync(run.Period, [community], ct).FirstOrDefaultAsync(ct);
        return Bill is null ? NotFound() : Page();
    }
}
