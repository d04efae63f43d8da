using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Rates;

/// <summary>
/// Reads one rate file (rates/&lt;book&gt;/&lt;yyyy-MM-dd&gt;.json). Pure: the caller reads the file;
/// this turns its text into a <see cref="RateBookVersion"/> or into every problem it can find.
/// </summary>
public static class RateFileParser
{
    private static readonly JsonSerializerOptions Options = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNameCaseInsensitive = false,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <param name="source">The path shown in messages, e.g. "rates/heze-kaifaqu/2022-01-01.json".</param>
    /// <param name="expectedBook">The folder name: a file must describe the book its folder is named after.</param>
    /// <param name="expectedDate">The file name's date: the file must say the same effective date.</param>
    public static (RateBookVersion? Version, IReadOnlyList<InputError> Errors) Parse(
        string source, string json, string? expectedBook = null, LocalDate? expectedDate = null)
    {
        RateFileDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<RateFileDto>(json, Options);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? (int)l + 1 : (int?)null;
            return (null, [new InputError(source, line, e.Path, "rates.json.invalid", Clean(e.Message))]);
        }

        var errors = new List<InputError>();
        void Error(string field, string code, string message) => errors.Add(new InputError(source, null, field, code, message));

        if (dto is null)
        {
            return (null, [new InputError(source, null, null, "rates.json.empty", "the file is empty")]);
        }

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

        var rounding = FenRounding.HalfAwayFromZero;
        if (dto.Rounding is not null && !FenRounding.TryParse(dto.Rounding, out rounding))
        {
            Error("rounding", "rates.rounding.unknown", $"rounding must be 'half-away-from-zero' or 'half-to-even', got '{dto.Rounding}'");
        }

        var prices = new Dictionary<ServiceLevel, AreaPrice>();
        if (dto.Levels is null || dto.Levels.Count == 0)
        {
            Error("levels", "rates.levels.missing", "at least one service level with a price is required");
        }
        else
        {
            for (var i = 0; i < dto.Levels.Count; i++)
            {
                var entry = dto.Levels[i];
                var at = $"levels[{i}]";
                if (!ServiceLevel.TryParse(entry.Level, out var level))
                {
                    Error($"{at}.level", "rates.level.unknown", $"'{entry.Level}' is not a service level (write 1星 to 5星, or 1级 to 3级)");
                    continue;
                }

                if (entry.PricePerSquareMetreMonth is not { } price)
                {
                    Error($"{at}.pricePerSquareMetreMonth", "rates.price.missing", $"level {level} has no price");
                    continue;
                }

                if (price < 0m)
                {
                    Error($"{at}.pricePerSquareMetreMonth", "rates.price.negative", $"level {level} has a negative price {price}");
                    continue;
                }

                if (!prices.TryAdd(level, new AreaPrice(price)))
                {
                    Error($"{at}.level", "rates.level.duplicate", $"level {level} is priced twice");
                }
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var version = new RateBookVersion(
            dto.RateBook!, dto.Title ?? dto.RateBook!, effective.Value, rounding, prices, dto.Source ?? string.Empty);
        return (version, []);
    }

    private static string Clean(string message)
    {
        // System.Text.Json appends "Path: ... | LineNumber: ..." which we already report as fields.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private sealed class RateFileDto
    {
        public string? RateBook { get; set; }

        public string? Title { get; set; }

        public string? EffectiveFrom { get; set; }

        public string? Rounding { get; set; }

        public string? Source { get; set; }

        public List<LevelPriceDto>? Levels { get; set; }
    }

    private sealed class LevelPriceDto
    {
        public string? Level { get; set; }

        public decimal? PricePerSquareMetreMonth { get; set; }

        public string? Note { get; set; }
    }
}
