using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Core.Rates;

/// <summary>
/// One dated version of a rate book (收费标准): the prices that apply from <see cref="EffectiveFrom"/>
/// until <see cref="EffectiveTo"/> or the next version of the same book. Versions are never edited;
/// a change is a new file.
/// </summary>
public sealed record RateBookVersion(
    string RateBook,
    string Title,
    LocalDate EffectiveFrom,
    LocalDate? EffectiveTo,
    FenRounding Rounding,
    Proration Proration,
    IReadOnlyList<LevelPrice> Prices,
    IReadOnlyList<FeeItem> FeeItems,
    VacancyRule? Vacancy,
    string Source) : Validation.IDatedVersion
{
    /// <summary>"heze-kaifaqu@2022-01-01": printed on every statement line priced from this version.</summary>
    public string VersionId { get; } = $"{RateBook}@{LocalDatePattern.Iso.Format(EffectiveFrom)}";

    public bool Covers(LocalDate date) => date >= EffectiveFrom && (EffectiveTo is null || date <= EffectiveTo);

    /// <summary>The row for a level and building type; a row without a building type serves every type.</summary>
    public LevelPrice? PriceRow(ServiceLevel level, BuildingType type)
    {
        LevelPrice? any = null;
        foreach (var row in Prices)
        {
            if (row.Level != level)
            {
                continue;
            }

            if (row.BuildingType == type)
            {
                return row;
            }

            if (row.BuildingType is null)
            {
                any = row;
            }
        }

        return any;
    }

    /// <summary>
    /// The price a community pays: its agreed price when it has one and it lies in the allowed band,
    /// the benchmark otherwise. Null with a reason when the level has no row or the agreed price is out of band.
    /// </summary>
    public (AreaPrice? Price, string? Problem) PriceFor(LevelAssignment assignment, BuildingType type)
    {
        var row = PriceRow(assignment.Level, type);
        if (row is null)
        {
            return (null, $"rate book version {VersionId} has no price for service level {assignment.Level} ({type.Display()})");
        }

        if (assignment.AgreedPrice is not { } agreed)
        {
            return (row.Benchmark, null);
        }

        return row.Allows(agreed)
            ? (agreed, null)
            : (null, $"agreed price {agreed} is outside the allowed band {row.Minimum}–{row.Maximum} of {VersionId} {assignment.Level} ({type.Display()})");
    }
}

/// <summary>A benchmark price (基准价) for a level and building type, with the band a community's agreed price may float in.</summary>
/// <param name="BuildingType">Null: the row applies to every building type.</param>
/// <param name="FloatPercent">Allowed deviation either way, e.g. 15 for ±15%; 0 means the benchmark is the only price.</param>
public sealed record LevelPrice(ServiceLevel Level, BuildingType? BuildingType, AreaPrice Benchmark, decimal FloatPercent)
{
    public AreaPrice Minimum => new(Benchmark.YuanPerSquareMetreMonth * (100m - FloatPercent) / 100m);

    public AreaPrice Maximum => new(Benchmark.YuanPerSquareMetreMonth * (100m + FloatPercent) / 100m);

    public bool Allows(AreaPrice price) =>
        price.YuanPerSquareMetreMonth >= Minimum.YuanPerSquareMetreMonth
        && price.YuanPerSquareMetreMonth <= Maximum.YuanPerSquareMetreMonth;
}

/// <summary>How a part of a month is charged.</summary>
public enum Proration
{
    /// <summary>By day, over the actual number of days in the month (the common rule).</summary>
    ActualDays,

    /// <summary>By day at 1/30 of the monthly fee; a fully billed month is still exactly one month.</summary>
    ThirtyDayMonth,
}

/// <summary>空置房: the share of the fee charged while a home is vacant, e.g. 0.70.</summary>
public sealed record VacancyRule(decimal Share);

