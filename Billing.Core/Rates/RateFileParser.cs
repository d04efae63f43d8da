using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Rates;

/// <summary>
/// Reads one rate file (rates/&lt;book&gt;/&lt;yyyy-MM-dd&gt;.json). Pure: the caller reads the file;
/// this turns its text into a <see cref="RateBookVersion"/> or into every problem it can find,
/// each with the file, line and field.
/// </summary>
public static class RateFileParser
{
    /// <param name="source">The path shown in messages, e.g. "rates/heze-kaifaqu/2022-01-01.json".</param>
    /// <param name="expectedBook">The folder name: a file must describe the book its folder is named after.</param>
    /// <param name="expectedDate">The file name's date: the file must say the same effective date.</param>
    public static (RateBookVersion? Version, IReadOnlyList<InputError> Errors) Parse(
        string source, string json, string? expectedBook = null, LocalDate? expectedDate = null)
    {
        var (dto, readError) = DataFileJson.Read<RateFileDto>(source, json, "rates");
        if (dto is null)
        {
            return (null, [readError!]);
        }

        var lines = JsonLineMap.Build(json);
        var errors = new List<InputError>();
        void Error(string field, string code, string message) => errors.Add(new InputError(source, lines.LineOf(field), field, code, message));

        if (string.IsNullOrWhiteSpace(dto.RateBook))
        {
            Error("rateBook", "rates.book.missing", "rateBook is required");
        }
        else if (expectedBook is not null && dto.RateBook != expectedBook)
        {
            Error("rateBook", "rates.book.folder", $"rateBook '{dto.RateBook}' does not match its folder '{expectedBook}'");
        }

        var effective = LocalDatePattern.Iso.Parse(dto.EffectiveFrom ?? string.Empty);
        if (!effective.Success)
        {
            Error("effectiveFrom", "rates.effective.invalid", $"effectiveFrom must be a date like 2022-01-01, got '{dto.EffectiveFrom}'");
        }
        else if (expectedDate is not null && effective.Value != expectedDate)
        {
            Error("effectiveFrom", "rates.effective.filename", $"effectiveFrom {dto.EffectiveFrom} does not match the file name date {expectedDate:yyyy-MM-dd}");
        }

        LocalDate? effectiveTo = null;
        if (dto.EffectiveTo is not null)
        {
            var to = LocalDatePattern.Iso.Parse(dto.EffectiveTo);
            if (!to.Success)
            {
                Error("effectiveTo", "rates.effective.invalid", $"effectiveTo must be a date like 2024-12-31, got '{dto.EffectiveTo}'");
            }
            else if (effective.Success && to.Value < effective.Value)
            {
                Error("effectiveTo", "rates.effective.order", $"effectiveTo {dto.EffectiveTo} is before effectiveFrom {dto.EffectiveFrom}");
            }
            else
            {
                effectiveTo = to.Value;
            }
        }

        var rounding = FenRounding.HalfAwayFromZero;
        if (dto.Rounding is not null && !FenRounding.TryParse(dto.Rounding, out rounding))
        {
            Error("rounding", "rates.rounding.unknown", $"rounding must be 'half-away-from-zero' or 'half-to-even', got '{dto.Rounding}'");
        }

        var proration = Proration.ActualDays;
        switch (dto.Proration)
        {
            case null or "actual-days":
                break;
            case "thirty-day-month":
                proration = Proration.ThirtyDayMonth;
                break;
            default:
                Error("proration", "rates.proration.unknown", $"proration must be 'actual-days' or 'thirty-day-month', got '{dto.Proration}'");
                break;
        }

        var prices = ParseLevels(dto.Levels, Error);
        var items = ParseFeeItems(dto.FeeItems, Error);

        VacancyRule? vacancy = null;
        if (dto.Vacancy is { } v)
        {
            if (v.Share is not { } share || share < 0m || share > 1m)
            {
                Error("vacancy.share", "rates.vacancy.share", $"vacancy.share must be between 0 and 1 (e.g. 0.70), got {v.Share?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"}");
            }
            else
            {
                vacancy = new VacancyRule(share);
            }
        }

        // Late fees (滞纳金) are contentious and often not allowed for these communities, and the
        // engine does not compute them; a rate file asking for them is refused rather than ignored.
        if (dto.LateFee is not null)
        {
            Error("lateFee", "rates.latefee.unsupported",
                "late fees (滞纳金) are not charged by this system: remove the lateFee section; overdue amounts are chased with reminder notices");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var version = new RateBookVersion(
            dto.RateBook!, dto.Title ?? dto.RateBook!, effective.Value, effectiveTo, rounding, proration,
            prices, items, vacancy, dto.Source ?? string.Empty);
        return (version, []);
    }

    private static List<LevelPrice> ParseLevels(List<LevelPriceDto>? levels, Action<string, string, string> error)
    {
        var prices = new List<LevelPrice>();
        if (levels is null || levels.Count == 0)
        {
            error("levels", "rates.levels.missing", "at least one service level with a price is required");
            return prices;
        }

        for (var i = 0; i < levels.Count; i++)
        {
            var entry = levels[i];
            var at = $"levels[{i}]";
            if (!ServiceLevel.TryParse(entry.Level, out var level))
            {
                error($"{at}.level", "rates.level.unknown", $"'{entry.Level}' is not a service level (write 1星 to 5星, or 1级 to 3级)");
                continue;
            }

            BuildingType? type = null;
            if (entry.BuildingType is not null)
            {
                if (!BuildingTypes.TryParse(entry.BuildingType, out var parsed))
                {
                    error($"{at}.buildingType", "rates.building_type.unknown", $"'{entry.BuildingType}' is not a building type (multi-storey or high-rise)");
                    continue;
                }

                type = parsed;
            }

            if (entry.PricePerSquareMetreMonth is not { } price)
            {
                error($"{at}.pricePerSquareMetreMonth", "rates.price.missing", $"level {level} has no price");
                continue;
            }

            if (price < 0m)
            {
                error($"{at}.pricePerSquareMetreMonth", "rates.price.negative", $"level {level} has a negative price {price}");
                continue;
            }

            var floatPercent = entry.FloatPercent ?? 0m;
            if (floatPercent is < 0m or > 100m)
            {
                error($"{at}.floatPercent", "rates.float.invalid", $"floatPercent must be between 0 and 100, got {floatPercent}");
                continue;
            }

            if (prices.Any(p => p.Level == level && p.BuildingType == type))
            {
                error($"{at}.level", "rates.level.duplicate", $"level {level} ({type?.Display() ?? "所有楼型"}) is priced twice");
                continue;
            }

            prices.Add(new LevelPrice(level, type, new AreaPrice(price), floatPercent));
        }

        return prices;
    }

    private static List<FeeItem> ParseFeeItems(List<FeeItemDto>? dtos, Action<string, string, string> error)
    {
        var items = new List<FeeItem>();
        for (var i = 0; i < (dtos?.Count ?? 0); i++)
        {
            var dto = dtos![i];
            var at = $"feeItems[{i}]";
            if (string.IsNullOrWhiteSpace(dto.Code) || !dto.Code.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                error($"{at}.code", "rates.item.code", $"'{dto.Code}' is not an item code (lower-case letters, digits and '-')");
                continue;
            }

            if (items.Any(x => x.Code == dto.Code))
            {
                error($"{at}.code", "rates.item.duplicate", $"fee item '{dto.Code}' is defined twice");
                continue;
            }

            if (string.IsNullOrWhiteSpace(dto.Label))
            {
                error($"{at}.label", "rates.item.label", $"fee item '{dto.Code}' needs a label residents can read");
                continue;
            }

            FeeBasis basis;
            switch (dto.Basis)
            {
                case "per-area": basis = FeeBasis.PerArea; break;
                case "per-household": basis = FeeBasis.PerHousehold; break;
                case "per-parking-permit": basis = FeeBasis.PerParkingPermit; break;
                case "per-metered-unit": basis = FeeBasis.PerMeteredUnit; break;
                default:
                    error($"{at}.basis", "rates.item.basis", $"basis must be per-area, per-household, per-parking-permit or per-metered-unit, got '{dto.Basis}'");
                    continue;
            }

            if (dto.Rate is not { } rate || rate < 0m)
            {
                error($"{at}.rate", "rates.item.rate", $"fee item '{dto.Code}' needs a rate of 0 or more");
                continue;
            }

            var whenVacant = VacantCharge.Full;
            switch (dto.WhenVacant)
            {
                case null or "full": break;
                case "share": whenVacant = VacantCharge.Share; break;
                case "none": whenVacant = VacantCharge.None; break;
                default:
                    error($"{at}.whenVacant", "rates.item.vacant", $"whenVacant must be full, share or none, got '{dto.WhenVacant}'");
                    continue;
            }

            items.Add(new FeeItem(dto.Code, dto.Label, basis, rate, dto.Unit, whenVacant));
        }

        return items;
    }

    private sealed class RateFileDto
    {
        public string? RateBook { get; set; }

        public string? Title { get; set; }

        public string? Region { get; set; }

        public string? EffectiveFrom { get; set; }

        public string? EffectiveTo { get; set; }

        public string? Rounding { get; set; }

        public string? Proration { get; set; }

        public string? Source { get; set; }

        public List<LevelPriceDto>? Levels { get; set; }

        public List<FeeItemDto>? FeeItems { get; set; }

        public VacancyDto? Vacancy { get; set; }

        public System.Text.Json.JsonElement? LateFee { get; set; }
    }

    private sealed class LevelPriceDto
    {
        public string? Level { get; set; }

        public string? BuildingType { get; set; }

        public decimal? PricePerSquareMetreMonth { get; set; }

        public decimal? FloatPercent { get; set; }

        public string? Note { get; set; }
    }

    private sealed class FeeItemDto
    {
        public string? Code { get; set; }

        public string? Label { get; set; }

        public string? Basis { get; set; }

        public decimal? Rate { get; set; }

        public string? Unit { get; set; }

        public string? WhenVacant { get; set; }

        public string? Note { get; set; }
    }

    private sealed class VacancyDto
    {
        public decimal? Share { get; set; }

        public string? Note { get; set; }
    }
}
