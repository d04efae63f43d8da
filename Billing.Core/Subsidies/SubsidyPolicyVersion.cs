using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Core.Subsidies;

/// <summary>How the district's share of a household's standard fee is computed.</summary>
public enum SubsidyBasis
{
    /// <summary>Yuan per m² of building area per month, prorated like the fee (e.g. 0.30 → 0.20 → 0.10 over three years).</summary>
    PerArea,

    /// <summary>A share of the standard property fee (e.g. 0.40).</summary>
    ShareOfStandard,

    /// <summary>A fixed amount per household per month, prorated by day.</summary>
    PerHousehold,
}

/// <summary>A payout band: from <see cref="MinScore"/> up, the district pays <see cref="Factor"/> of its share.</summary>
public sealed record PayoutBand(decimal MinScore, decimal Factor);

/// <summary>
/// One dated version of a subsidy policy (政府补贴): which communities it covers, how much of the
/// standard fee the district pays on each household's behalf, caps, and the payout bands that turn
/// the evaluation score (双考核得分) into the share of the claim that is actually disbursed.
/// </summary>
/// <param name="Communities">Null: every community of the district.</param>
/// <param name="Levels">Null: every service level.</param>
public sealed record SubsidyPolicyVersion(
    string Policy,
    string Title,
    string District,
    IReadOnlySet<string>? Communities,
    IReadOnlySet<ServiceLevel>? Levels,
    LocalDate EffectiveFrom,
    LocalDate? EffectiveTo,
    SubsidyBasis Basis,
    decimal Rate,
    Money? CapPerHouseholdMonth,
    Money? CapPerCommunityMonth,
    IReadOnlyList<PayoutBand> Bands,
    FenRounding Rounding,
    string Source) : Validation.IDatedVersion
{
    public string VersionId { get; } = $"{Policy}@{LocalDatePattern.Iso.Format(EffectiveFrom)}";

    public bool Covers(LocalDate date) => date >= EffectiveFrom && (EffectiveTo is null || date <= EffectiveTo);

    public bool AppliesTo(Community community, ServiceLevel level) =>
        community.District == District
        && (Communities is null || Communities.Contains(community.Code.Value))
        && (Levels is null || Levels.Contains(level));

    /// <summary>The payout factor for a score: the band with the highest minimum the score reaches (bands are sorted, highest first).</summary>
    public decimal FactorFor(decimal score)
    {
        foreach (var band in Bands)
        {
            if (score >= band.MinScore)
            {
                return band.Factor;
            }
        }

        return 0m;
    }
}
