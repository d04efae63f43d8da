using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Subsidies;

/// <summary>Reads one subsidy policy file (rates/subsidies/&lt;policy&gt;/&lt;yyyy-MM-dd&gt;.json) into a version or every problem in it.</summary>
public static class SubsidyFileParser
{
    public static (SubsidyPolicyVersion? Version, IReadOnlyList<InputError> Errors) Parse(
        string source, string json, string? expectedPolicy = null, LocalDate? expectedDate = null)
    {
        var (dto, readError) = DataFileJson.Read<PolicyDto>(source, json, "subsidy");
        if (dto is null)
        {
            return (null, [readError!]);
        }

        var lines = JsonLineMap.Build(json);
        var errors = new List<InputError>();
        void Error(string field, string code, string message) => errors.Add(new InputError(source, lines.LineOf(field), field, code, message));

        if (string.IsNullOrWhiteSpace(dto.Policy))
        {
            Error("policy", "subsidy.policy.missing", "policy is required");
        }
        else if (expectedPolicy is not null && dto.Policy != expectedPolicy)
        {
            Error("policy", "subsidy.policy.folder", $"policy '{dto.Policy}' does not match its folder '{expectedPolicy}'");
        }

        if (string.IsNullOrWhiteSpace(dto.District))
        {
            Error("district", "subsidy.district.missing", "district is required: a policy is paid by one district");
        }

        var from = LocalDatePattern.Iso.Parse(dto.EffectiveFrom ?? string.Empty);
        if (!from.Success)
        {
            Error("effectiveFrom", "subsidy.effective.invalid", $"effectiveFrom must be a date like 2022-01-01, got '{dto.EffectiveFrom}'");
        }
        else if (expectedDate is not null && from.Value != expectedDate)
        {
            Error("effectiveFrom", "subsidy.effective.filename", $"effectiveFrom {dto.EffectiveFrom} does not match the file name date {expectedDate:yyyy-MM-dd}");
        }

        LocalDate? to = null;
        if (dto.EffectiveTo is not null)
        {
            var parsed = LocalDatePattern.Iso.Parse(dto.EffectiveTo);
            if (!parsed.Success || (from.Success && parsed.Value < from.Value))
            {
                Error("effectiveTo", "subsidy.effective.invalid", $"effectiveTo must be a date on or after effectiveFrom, got '{dto.EffectiveTo}'");
            }
            else
            {
                to = parsed.Value;
            }
        }

        SubsidyBasis basis = default;
        switch (dto.Basis)
        {
            case "per-area": basis = SubsidyBasis.PerArea; break;
            case "share-of-standard": basis = SubsidyBasis.ShareOfStandard; break;
            case "per-household": basis = SubsidyBasis.PerHousehold; break;
            default:
                Error("basis", "subsidy.basis.unknown", $"basis must be per-area, share-of-standard or per-household, got '{dto.Basis}'");
                break;
        }

        if (dto.Rate is not { } rate || rate < 0m || (basis == SubsidyBasis.ShareOfStandard && rate > 1m))
        {
            Error("rate", "subsidy.rate.invalid", basis == SubsidyBasis.ShareOfStandard
                ? "rate is the district's share of the standard fee, between 0 and 1 (e.g. 0.40)"
                : "rate must be 0 or more (yuan per m² per month, or per household per month)");
            rate = 0m;
        }

        if (dto.CapPerHouseholdMonth is < 0m)
        {
            Error("capPerHouseholdMonth", "subsidy.cap.negative", "capPerHouseholdMonth cannot be negative");
        }

        if (dto.CapPerCommunityMonth is < 0m)
        {
            Error("capPerCommunityMonth", "subsidy.cap.negative", "capPerCommunityMonth cannot be negative");
        }

        var rounding = FenRounding.HalfAwayFromZero;
        if (dto.Rounding is not null && !FenRounding.TryParse(dto.Rounding, out rounding))
        {
            Error("rounding", "subsidy.rounding.unknown", $"rounding must be 'half-away-from-zero' or 'half-to-even', got '{dto.Rounding}'");
        }

        HashSet<ServiceLevel>? levels = null;
        for (var i = 0; i < (dto.Levels?.Count ?? 0); i++)
        {
            if (!ServiceLevel.TryParse(dto.Levels![i], out var level))
            {
                Error($"levels[{i}]", "subsidy.level.unknown", $"'{dto.Levels[i]}' is not a service level");
            }
            else
            {
                (levels ??= []).Add(level);
            }
        }

        var bands = ParseBands(dto.PayoutBands, Error);

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new SubsidyPolicyVersion(
            dto.Policy!, dto.Title ?? dto.Policy!, dto.District!, dto.Communities?.ToHashSet(StringComparer.Ordinal), levels,
            from.Value, to, basis, rate,
            dto.CapPerHouseholdMonth is { } h ? new Money(h) : null,
            dto.CapPerCommunityMonth is { } c ? new Money(c) : null,
            bands, rounding, dto.Source ?? string.Empty), []);
    }

    private static List<PayoutBand> ParseBands(List<BandDto>? dtos, Action<string, string, string> error)
    {
        if (dtos is null || dtos.Count == 0)
        {
            error("payoutBands", "subsidy.bands.missing", "payoutBands are required: the evaluation score decides how much of the claim is paid");
            return [];
        }

        var bands = new List<PayoutBand>();
        for (var i = 0; i < dtos.Count; i++)
        {
            var (min, factor) = (dtos[i].MinScore, dtos[i].Factor);
            if (min is not { } m || m < 0m || m > 100m)
            {
                error($"payoutBands[{i}].minScore", "subsidy.band.score", "minScore must be between 0 and 100");
            }
            else if (factor is not { } f || f < 0m || f > 1m)
            {
                error($"payoutBands[{i}].factor", "subsidy.band.factor", "factor must be between 0 and 1 (e.g. 0.90 for 90%)");
            }
            else if (bands.Any(b => b.MinScore == m))
            {
                error($"payoutBands[{i}].minScore", "subsidy.band.duplicate", $"two bands start at {m}");
            }
            else
            {
                bands.Add(new PayoutBand(m, f));
            }
        }

        bands.Sort((a, b) => b.MinScore.CompareTo(a.MinScore));
        if (bands.Count == dtos.Count)
        {
            if (bands[^1].MinScore != 0m)
            {
                error("payoutBands", "subsidy.bands.zero", "the lowest band must start at 0 so every score has a factor");
            }

            for (var i = 1; i < bands.Count; i++)
            {
                if (bands[i].Factor > bands[i - 1].Factor)
                {
                    error("payoutBands", "subsidy.bands.order", $"a score of {bands[i].MinScore} would pay more than a score of {bands[i - 1].MinScore}");
                }
            }
        }

        return bands;
    }

    private sealed class PolicyDto
    {
        public string? Policy { get; set; }

        public string? Title { get; set; }

        public string? District { get; set; }

        public List<string>? Communities { get; set; }

        public List<string>? Levels { get; set; }

        public string? EffectiveFrom { get; set; }

        public string? EffectiveTo { get; set; }

        public string? Basis { get; set; }

        public decimal? Rate { get; set; }

        public decimal? CapPerHouseholdMonth { get; set; }

        public decimal? CapPerCommunityMonth { get; set; }

        public string? Rounding { get; set; }

        public List<BandDto>? PayoutBands { get; set; }

        public string? Source { get; set; }

        public string? Note { get; set; }
    }

    private sealed class BandDto
    {
        public decimal? MinScore { get; set; }

        public decimal? Factor { get; set; }

        public string? Note { get; set; }
    }
}
