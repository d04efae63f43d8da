using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Core.Rates;

/// <summary>
/// One dated version of a rate book (收费标准): the prices that apply from <see cref="EffectiveFrom"/>
/// until the next version of the same book. Versions are never edited; a change is a new file.
/// </summary>
public sealed record RateBookVersion(
    string RateBook,
    string Title,
    LocalDate EffectiveFrom,
    FenRounding Rounding,
    IReadOnlyDictionary<ServiceLevel, AreaPrice> Prices,
    string Source)
{
    /// <summary>"heze-kaifaqu@2022-01-01": printed on every statement line priced from this version.</summary>
    public string VersionId => $"{RateBook}@{LocalDatePattern.Iso.Format(EffectiveFrom)}";
}
