using NodaTime;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Rates;

/// <summary>Every loaded rate book version; answers "which version is in force on this date".</summary>
public sealed class RateCatalog
{
    private readonly Dictionary<string, RateBookVersion[]> _byBook;

    private RateCatalog(Dictionary<string, RateBookVersion[]> byBook) => _byBook = byBook;

    public IEnumerable<RateBookVersion> Versions => _byBook.Values.SelectMany(v => v);

    public IEnumerable<string> RateBooks => _byBook.Keys;

    /// <summary>
    /// Builds the catalog. The versions of one book must follow each other: two versions from the
    /// same date, a version that ends after the next one starts (overlap) or one that ends days
    /// before the next starts (a gap with no prices) are errors, not silent choices.
    /// </summary>
    public static RateCatalog Create(IEnumerable<(string Source, RateBookVersion Version)> versions)
    {
        var errors = new List<InputError>();
        var byBook = new Dictionary<string, RateBookVersion[]>(StringComparer.Ordinal);
        foreach (var group in versions.GroupBy(v => v.Version.RateBook, StringComparer.Ordinal))
        {
            errors.AddRange(DatedVersions.Problems(group.Key, group, "rates", "prices"));
            byBook[group.Key] = group.Select(v => v.Version).OrderBy(v => v.EffectiveFrom).ToArray();
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : new RateCatalog(byBook);
    }

    /// <summary>The version of <paramref name="rateBook"/> in force on <paramref name="date"/>, or null when none covers it.</summary>
    public RateBookVersion? InForce(string rateBook, LocalDate date)
    {
        if (!_byBook.TryGetValue(rateBook, out var versions))
        {
            return null;
        }

        RateBookVersion? found = null;
        foreach (var version in versions)
        {
            if (version.EffectiveFrom > date)
            {
                break;
            }

            found = version;
        }

        return found is not null && found.Covers(date) ? found : null;
    }

    public bool HasChangesWithin(string rateBook, LocalDate start, LocalDate end)
    {
        if (!_byBook.TryGetValue(rateBook, out var versions))
        {
            return false;
        }

        foreach (var version in versions)
        {
            if ((version.EffectiveFrom > start && version.EffectiveFrom <= end) || (version.EffectiveTo is { } to && to >= start && to < end))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Dates in (start, end] on which a different version (or none) takes over.</summary>
    public void AddChangesWithin(string rateBook, LocalDate start, LocalDate end, List<LocalDate> into)
    {
        if (!_byBook.TryGetValue(rateBook, out var versions))
        {
            return;
        }

        foreach (var version in versions)
        {
            if (version.EffectiveFrom > start && version.EffectiveFrom <= end)
            {
                into.Add(version.EffectiveFrom);
            }

            if (version.EffectiveTo is { } to && to >= start && to < end)
            {
                into.Add(to.PlusDays(1));
            }
        }
    }
}
