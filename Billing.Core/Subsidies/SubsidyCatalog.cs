using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Subsidies;

/// <summary>Every loaded subsidy policy version; answers "which policy pays for this community on this date".</summary>
public sealed class SubsidyCatalog
{
    public static readonly SubsidyCatalog Empty = new([]);

    private readonly SubsidyPolicyVersion[] _versions;

    private SubsidyCatalog(SubsidyPolicyVersion[] versions) => _versions = versions;

    public IReadOnlyList<SubsidyPolicyVersion> Versions => _versions;

    /// <summary>Versions of one policy must follow each other without overlap or gap, as rate book versions do.</summary>
    public static SubsidyCatalog Create(IEnumerable<(string Source, SubsidyPolicyVersion Version)> versions)
    {
        var errors = new List<InputError>();
        var all = versions.ToList();
        foreach (var group in all.GroupBy(v => v.Version.Policy, StringComparer.Ordinal))
        {
            errors.AddRange(DatedVersions.Problems(group.Key, group, "subsidy", "subsidy"));
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : new SubsidyCatalog([.. all.Select(v => v.Version)]);
    }

    /// <summary>
    /// The policy version paying for <paramref name="community"/> at <paramref name="level"/> on
    /// <paramref name="date"/>: null when none applies; a problem when two policies claim the same
    /// household, because paying twice is worse than not paying.
    /// </summary>
    public (SubsidyPolicyVersion? Version, string? Problem) For(Community community, ServiceLevel level, LocalDate date)
    {
        SubsidyPolicyVersion? found = null;
        foreach (var version in _versions)
        {
            if (!version.Covers(date) || !version.AppliesTo(community, level))
            {
                continue;
            }

            if (found is not null && found.Policy != version.Policy)
            {
                return (null, $"subsidy policies {found.VersionId} and {version.VersionId} both apply to community {community.Code} on {date:yyyy-MM-dd}");
            }

            // A later version of the same policy supersedes the earlier one from its date on.
            if (found is null || version.EffectiveFrom > found.EffectiveFrom)
            {
                found = version;
            }
        }

        return (found, null);
    }

    /// <summary>The version of each policy in force on <paramref name="date"/>.</summary>
    public IEnumerable<SubsidyPolicyVersion> InForce(LocalDate date) =>
        _versions.Where(v => v.Covers(date)).GroupBy(v => v.Policy, StringComparer.Ordinal).Select(g => g.MaxBy(v => v.EffectiveFrom)!);

    public bool HasChangesWithin(LocalDate start, LocalDate end)
    {
        foreach (var v in _versions)
        {
            if ((v.EffectiveFrom > start && v.EffectiveFrom <= end) || (v.EffectiveTo is { } to && to >= start && to < end))
            {
                return true;
            }
        }

        return false;
    }

    public void AddChangesWithin(LocalDate start, LocalDate end, List<LocalDate> into)
    {
        foreach (var v in _versions)
        {
            if (v.EffectiveFrom > start && v.EffectiveFrom <= end)
            {
                into.Add(v.EffectiveFrom);
            }

            if (v.EffectiveTo is { } to && to >= start && to < end)
            {
                into.Add(to.PlusDays(1));
            }
        }
    }
}
