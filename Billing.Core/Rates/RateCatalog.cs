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

    /// <summary>Builds the catalog; two versions of one book on the same date are an error, not a silent override.</summary>
    public static RateCatalog Create(IEnumerable<(string Source, RateBookVersion Version)> versions)
    {
        var errors = new List<InputError>();
        var byBook = new Dictionary<string, RateBookVersion[]>(StringComparer.Ordinal);
        foreach (var group in versions.GroupBy(v => v.Version.RateBook, StringComparer.Ordinal))
        {
            foreach (var clash in group.GroupBy(v => v.Version.EffectiveFrom).Where(g => g.Count() > 1))
            {
                errors.Add(new InputError(
                    string.Join(", ", clash.Select(c => c.Source)), null, "effectiveFrom", "rates.version.duplicate",
                    $"rate book '{group.Key}' has more than one version effective from {clash.Key:yyyy-MM-dd}"));
            }

            byBook[group.Key] = group.Select(v => v.Version).OrderBy(v => v.EffectiveFrom).ToArray();
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : new RateCatalog(byBook);
    }

    /// <summary>The version of <paramref name="rateBook"/> in force on <paramref name="date"/>, or null before its first version.</summary>
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

        return found;
    }
}
