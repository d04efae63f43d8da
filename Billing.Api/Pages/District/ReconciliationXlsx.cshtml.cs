using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.DistrictPages;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.District;

/// <summary>The month as a workbook for the signed-in district: the reconciliation by community and every household's subsidy line.</summary>
public sealed class ReconciliationXlsxModel(NpgsqlDataSource db, SubsidyCatalog policies) : DistrictPageModel
{
    public async Task<IActionResult> OnGetAsync(string period, CancellationToken ct)
    {
        if (ParsePeriod(period) is not { } month || !await new DistrictDesk(db).KnowsDistrictAsync(District, ct))
        {
            return NotFound();
        }

        var rows = await new SubsidyStore(db, policies).ReconcileAsync(District, month, ct);
        var lines = await new DistrictDesk(db).SubsidyLinesAsync(District, month, ct);
        return File(DistrictWorkbook.Build(rows, lines), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            $"补贴对账-{District}-{BillingPeriod.Format(month)}.xlsx");
    }
}
