using Microsoft.AspNetCore.Mvc;
using Npgsql;
using RedProperty.Billing.Api.DistrictPages;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.District;

/// <summary>The reconciliation PDF of the signed-in district, with the sign-offs recorded so far: the same document the Api and the command line draw.</summary>
public sealed class ReconciliationPdfModel(NpgsqlDataSource db, SubsidyCatalog policies, DocumentContext documents, IConfiguration configuration) : DistrictPageModel
{
    public async Task<IActionResult> OnGetAsync(string period, CancellationToken ct)
    {
        if (ParsePeriod(period) is not { } month || !await new DistrictDesk(db).KnowsDistrictAsync(District, ct))
        {
            return NotFound();
        }

        var pdf = await DistrictReconciliation.PdfAsync(db, policies, District, month, documents, DistrictDeskSettings.StaleScoreMonths(configuration), ct);
        return File(pdf, "application/pdf", $"补贴对账表-{District}-{BillingPeriod.Format(month)}.pdf");
    }
}
