using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Api.DistrictPages;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api.Pages.District;

/// <summary>
/// A community's households for the month: each household's subsidy line beside the fee and
/// subsidy lines of its statement, and one household's whole statement, so the district checks
/// the subsidy against the statements itself.
/// </summary>
public sealed class CommunityModel(NpgsqlDataSource db, SubsidyCatalog policies) : DistrictPageModel
{
    public YearMonth Period { get; private set; }

    public string PeriodText => BillingPeriod.Format(Period);

    public ReconciliationRow Row { get; private set; } = null!;

    public IReadOnlyList<HouseholdSubsidyLine> Lines { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Household { get; set; }

    /// <summary>The chosen household's statement lines, when it is one of this community's households.</summary>
    public IReadOnlyList<DistrictStatementLine>? Statement { get; private set; }

    public IReadOnlyList<HouseholdSubsidyLine> Selected => Lines.Where(l => l.Household == Household).ToList();

    /// <summary>The policy's Chinese title, as documents name it; the version id stays beside it in small print.</summary>
    public string PolicyTitle(string versionId) => policies.Versions.FirstOrDefault(v => v.VersionId == versionId)?.Title ?? "政府补贴政策";

    public int Mismatches => Lines.Count(l => !l.MatchesStatement);

    public Money Sum(Func<HouseholdSubsidyLine, Money> amount) => Money.Sum(Lines.Select(amount));

    public async Task<IActionResult> OnGetAsync(string period, string code, CancellationToken ct)
    {
        if (ParsePeriod(period) is not { } month)
        {
            return NotFoundPage($"“{period}”不是账期，账期的写法如 2026-10。");
        }

        Period = month;
        // Only the district's own communities are found; any other code gets the same answer as one that does not exist.
        var rows = await new SubsidyStore(db, policies).ReconcileAsync(District, month, ct);
        if (rows.FirstOrDefault(r => r.CommunityCode == code) is not { } row)
        {
            return NotFoundPage($"本区没有编号为“{code}”的小区。");
        }

        Row = row;
        Lines = (await new DistrictDesk(db).SubsidyLinesAsync(District, month, ct)).Where(l => l.Community == code).ToList();
        if (Household is { Length: > 0 } household && Lines.Any(l => l.Household == household))
        {
            Statement = await new DistrictDesk(db).StatementLinesAsync(District, month, household, ct);
        }

        return Page();
    }
}
