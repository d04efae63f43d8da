using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Points;

/// <summary>Reads rates/points/&lt;catalogue&gt;/&lt;yyyy-MM-dd&gt;.json into a catalogue or every problem in it.</summary>
public static class PointsCatalogueParser
{
    public static (PointsCatalogue? Catalogue, IReadOnlyList<InputError> Errors) Parse(string source, string json, string? expectedName = null, LocalDate? expectedDate = null)
    {
        var (dto, readError) = DataFileJson.Read<Dto>(source, json, "points");
        if (dto is null)
        {
            return (null, [readError!]);
        }

        var lines = JsonLineMap.Build(json);
        var errors = new List<InputError>();
        void Error(string field, string code, string message) => errors.Add(new InputError(source, lines.LineOf(field), field, code, message));

        if (string.IsNullOrWhiteSpace(dto.Catalogue) || (expectedName is not null && dto.Catalogue != expectedName))
        {
            Error("catalogue", "points.catalogue.name", $"catalogue must be set and match its folder '{expectedName}'");
        }

        var from = LocalDatePattern.Iso.Parse(dto.EffectiveFrom ?? string.Empty);
        if (!from.Success || (expectedDate is not null && from.Value != expectedDate))
        {
            Error("effectiveFrom", "points.effective.invalid", $"effectiveFrom must be a date matching the file name, got '{dto.EffectiveFrom}'");
        }

        if (dto.Operators is not { Count: > 0 })
        {
            Error("operators", "points.operators.missing", "name the operators (operator codes) whose households use this catalogue");
        }

        if (dto.ExpiryMonths is <= 0)
        {
            Error("expiryMonths", "points.expiry.invalid", "expiryMonths must be at least 1, or left out for points that never expire");
        }

        var services = new List<VolunteerService>();
        for (var i = 0; i < (dto.Services?.Count ?? 0); i++)
        {
            var s = dto.Services![i];
            if (string.IsNullOrWhiteSpace(s.Code) || string.IsNullOrWhiteSpace(s.Label) || s.Points is not > 0 || services.Any(x => x.Code == s.Code))
            {
                Error($"services[{i}]", "points.service.invalid", "a service needs a unique code, a label and points above 0");
                continue;
            }

            services.Add(new VolunteerService(s.Code, s.Label, s.Points.Value));
        }

        var rewards = new List<Reward>();
        for (var i = 0; i < (dto.Rewards?.Count ?? 0); i++)
        {
            var r = dto.Rewards![i];
            RewardKind? kind = r.Kind switch { "fee-credit" => RewardKind.FeeCredit, "parking-credit" => RewardKind.ParkingCredit, "voucher" => RewardKind.Voucher, _ => null };
            if (kind is null)
            {
                Error($"rewards[{i}].kind", "points.reward.kind", $"kind must be fee-credit, parking-credit or voucher, got '{r.Kind}'");
            }
            else if (string.IsNullOrWhiteSpace(r.Code) || string.IsNullOrWhiteSpace(r.Label) || r.Points is not > 0 || rewards.Any(x => x.Code == r.Code))
            {
                Error($"rewards[{i}]", "points.reward.invalid", "a reward needs a unique code, a label and points above 0");
            }
            else if (kind != RewardKind.Voucher && r.Yuan is not > 0m)
            {
                Error($"rewards[{i}].yuan", "points.reward.yuan", "a credit reward says how many yuan its points are worth");
            }
            else if (r.MonthlyCapPoints is <= 0)
            {
                Error($"rewards[{i}].monthlyCapPoints", "points.reward.cap", "monthlyCapPoints must be above 0, or left out");
            }
            else
            {
                rewards.Add(new Reward(r.Code, r.Label, kind.Value, r.Points.Value, r.Yuan is { } y ? new Money(y) : null, r.MonthlyCapPoints));
            }
        }

        return errors.Count > 0
            ? (null, errors)
            : (new PointsCatalogue(dto.Catalogue!, dto.Title ?? dto.Catalogue!, dto.Operators!.ToHashSet(StringComparer.Ordinal), from.Value,
                dto.ExpiryMonths, services, rewards, dto.Source ?? string.Empty), []);
    }

    private sealed class Dto
    {
        public string? Catalogue { get; set; }

        public string? Title { get; set; }

        public List<string>? Operators { get; set; }

        public string? EffectiveFrom { get; set; }

        public int? ExpiryMonths { get; set; }

        public List<ServiceDto>? Services { get; set; }

        public List<RewardDto>? Rewards { get; set; }

        public string? Source { get; set; }
    }

    private sealed class ServiceDto
    {
        public string? Code { get; set; }

        public string? Label { get; set; }

        public int? Points { get; set; }

        public string? Note { get; set; }
    }

    private sealed class RewardDto
    {
        public string? Code { get; set; }

        public string? Label { get; set; }

        public string? Kind { get; set; }

        public int? Points { get; set; }

        public decimal? Yuan { get; set; }

        public int? MonthlyCapPoints { get; set; }

        public string? Note { get; set; }
    }
}

/// <summary>The loaded catalogues; answers "which catalogue applies to this operator on this date".</summary>
public sealed class PointsCatalogues(IReadOnlyList<PointsCatalogue> versions)
{
    public static readonly PointsCatalogues Empty = new([]);

    public IReadOnlyList<PointsCatalogue> Versions => versions;

    public PointsCatalogue? For(string operatorCode, LocalDate on) =>
        versions.Where(v => v.Operators.Contains(operatorCode) && v.EffectiveFrom <= on).MaxBy(v => v.EffectiveFrom);
}
