using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.DistrictPages;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.District;

public sealed class IndexModel(NpgsqlDataSource db) : DistrictPageModel
{
    public IReadOnlyList<DistrictMonth> Months { get; private set; } = [];

    /// <summary>The month the form offers: the newest with subsidy lines.</summary>
    public string Suggested => Months.Count > 0 ? BillingPeriod.Format(Months[0].Period) : string.Empty;

    /// <summary>The month form: to the month's page, or back here when the month is not one.</summary>
    public IActionResult OnGetOpen(string? period) =>
        ParsePeriod(period) is { } month ? Redirect($"/district/{BillingPeriod.Format(month)}") : Redirect("/district");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var desk = new DistrictDesk(db);
        if (!await desk.KnowsDistrictAsync(District, ct))
        {
            return NotFoundPage($"登记中没有属于“{District}”的小区，无法对账。请联系物业公司核实小区所属区县。");
        }

        Months = await desk.MonthsAsync(District, ct);
        return Page();
    }
}
