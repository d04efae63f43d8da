using NodaTime;

namespace RedProperty.Billing.Core.Validation;

/// <summary>What any effective-dated data version says about its period.</summary>
public interface IDatedVersion
{
    string VersionId { get; }

    LocalDate EffectiveFrom { get; }

    LocalDate? EffectiveTo { get; }
}

/// <summary>
/// The versions of one rate book or policy must follow each other: two from the same date, one
/// that ends after the next starts (an overlap) or one that ends days before the next starts (a gap
/// with no rule in force) are errors, never silent choices.
/// </summary>
public static class DatedVersions
{
    /// <param name="missing">What a gap leaves without, for the message: "prices", "subsidy".</param>
    public static IEnumerable<InputError> Problems<T>(string name, IEnumerable<(string Source, T Version)> versions, string codePrefix, string missing)
        where T : IDatedVersion
    {
        var ordered = versions.OrderBy(v => v.Version.EffectiveFrom).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var (prevSource, prev) = ordered[i - 1];
            var (source, next) = ordered[i];
            if (prev.EffectiveFrom == next.EffectiveFrom)
            {
                yield return new InputError($"{prevSource}, {source}", null, "effectiveFrom", codePrefix + ".version.duplicate",
                    $"'{name}' has more than one version effective from {next.EffectiveFrom:yyyy-MM-dd}");
            }
            else if (prev.EffectiveTo is { } end && end >= next.EffectiveFrom)
            {
                yield return new InputError(prevSource, null, "effectiveTo", codePrefix + ".version.overlap",
                    $"{prev.VersionId} runs to {end:yyyy-MM-dd}, overlapping {next.VersionId} which starts {next.EffectiveFrom:yyyy-MM-dd}");
            }
            else if (prev.EffectiveTo is { } gapStart && gapStart.PlusDays(1) < next.EffectiveFrom)
            {
                yield return new InputError(prevSource, null, "effectiveTo", codePrefix + ".version.gap",
                    $"{prev.VersionId} ends {gapStart:yyyy-MM-dd} but {next.VersionId} starts {next.EffectiveFrom:yyyy-MM-dd}: "
                    + $"no {missing} from {gapStart.PlusDays(1):yyyy-MM-dd} to {next.EffectiveFrom.PlusDays(-1):yyyy-MM-dd}");
            }
        }
    }
}
