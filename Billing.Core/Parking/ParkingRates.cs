using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Parking;

/// <summary>
/// One dated version of an operator's parking prices (rates/parking/&lt;book&gt;/&lt;date&gt;.json): the
/// resident permit price and its floor, what businesses pay, when spaces are idle, and the holiday
/// calendar that decides which days are working days.
/// </summary>
public sealed record ParkingRates(
    string Book,
    IReadOnlySet<string> Operators,
    LocalDate EffectiveFrom,
    Money PermitMonthly,
    Money FloorMonthly,
    Money LeaseHourly,
    Money LeaseMonthly,
    DailyWindow Daytime,
    HolidayCalendar Calendar,
    string Source)
{
    public string VersionId { get; } = $"{Book}@{LocalDatePattern.Iso.Format(EffectiveFrom)}";

    /// <summary>The book's Chinese name, which documents print instead of its version id.</summary>
    public string? Title { get; init; }
}

public static class ParkingRatesParser
{
    private static readonly LocalTimePattern Time = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    public static (ParkingRates? Rates, IReadOnlyList<InputError> Errors) Parse(string source, string json, string? expectedName = null, LocalDate? expectedDate = null)
    {
        var (dto, readError) = DataFileJson.Read<Dto>(source, json, "parking");
        if (dto is null)
        {
            return (null, [readError!]);
        }

        var lines = JsonLineMap.Build(json);
        var errors = new List<InputError>();
        void Error(string field, string code, string message) => errors.Add(new InputError(source, lines.LineOf(field), field, code, message));

        if (string.IsNullOrWhiteSpace(dto.ParkingBook) || (expectedName is not null && dto.ParkingBook != expectedName))
        {
            Error("parkingBook", "parking.book.name", $"parkingBook must be set and match its folder '{expectedName}'");
        }

        var from = LocalDatePattern.Iso.Parse(dto.EffectiveFrom ?? string.Empty);
        if (!from.Success || (expectedDate is not null && from.Value != expectedDate))
        {
            Error("effectiveFrom", "parking.effective.invalid", $"effectiveFrom must be a date matching the file name, got '{dto.EffectiveFrom}'");
        }

        if (dto.Operators is not { Count: > 0 })
        {
            Error("operators", "parking.operators.missing", "name the operators (operator codes) these prices apply to");
        }

        foreach (var (field, value) in new[] { ("residentPermitMonthly", dto.ResidentPermitMonthly), ("floorMonthly", dto.FloorMonthly), ("leaseHourly", dto.LeaseHourly), ("leaseMonthly", dto.LeaseMonthly) })
        {
            if (value is not { } v || v < 0m || decimal.Round(v, 2) != v)
            {
                Error(field, "parking.price.invalid", $"{field} is a price in yuan, 0 or more, with at most two decimals");
            }
        }

        if (dto.FloorMonthly > dto.ResidentPermitMonthly)
        {
            Error("floorMonthly", "parking.floor.above", "the floor cannot be above the standard permit price");
        }

        var window = DailyWindow.WorkingDayDaytime;
        if (dto.Daytime is { } d)
        {
            var (start, end) = (Time.Parse(d.From ?? string.Empty), Time.Parse(d.To ?? string.Empty));
            if (!start.Success || !end.Success || end.Value <= start.Value)
            {
                Error("daytime", "parking.daytime.invalid", "daytime is { \"from\": \"08:00\", \"to\": \"18:00\" } with from before to");
            }
            else
            {
                window = new DailyWindow(start.Value, end.Value, d.WorkingDaysOnly ?? true);
            }
        }

        HashSet<LocalDate> Dates(List<string>? texts, string field)
        {
            var set = new HashSet<LocalDate>();
            for (var i = 0; i < (texts?.Count ?? 0); i++)
            {
                var parsed = LocalDatePattern.Iso.Parse(texts![i]);
                if (parsed.Success)
                {
                    set.Add(parsed.Value);
                }
                else
                {
                    Error($"{field}[{i}]", "parking.date.invalid", $"'{texts[i]}' is not a date like 2026-10-01");
                }
            }

            return set;
        }

        var calendar = new HolidayCalendar(Dates(dto.Holidays, "holidays"), Dates(dto.MakeUpWorkdays, "makeUpWorkdays"));
        return errors.Count > 0
            ? (null, errors)
            : (new ParkingRates(dto.ParkingBook!, dto.Operators!.ToHashSet(StringComparer.Ordinal), from.Value,
                new Money(dto.ResidentPermitMonthly!.Value), new Money(dto.FloorMonthly!.Value), new Money(dto.LeaseHourly!.Value),
                new Money(dto.LeaseMonthly!.Value), window, calendar, dto.Source ?? string.Empty) { Title = dto.Title }, []);
    }

    private sealed class Dto
    {
        public string? ParkingBook { get; set; }

        public string? Title { get; set; }

        public List<string>? Operators { get; set; }

        public string? EffectiveFrom { get; set; }

        public decimal? ResidentPermitMonthly { get; set; }

        public decimal? FloorMonthly { get; set; }

        public decimal? LeaseHourly { get; set; }

        public decimal? LeaseMonthly { get; set; }

        public WindowDto? Daytime { get; set; }

        public List<string>? Holidays { get; set; }

        public List<string>? MakeUpWorkdays { get; set; }

        public string? Source { get; set; }
    }

    private sealed class WindowDto
    {
        public string? From { get; set; }

        public string? To { get; set; }

        public bool? WorkingDaysOnly { get; set; }
    }
}

/// <summary>The loaded parking price versions; answers "which prices apply to this operator on this date".</summary>
public sealed class ParkingRateBook(IReadOnlyList<ParkingRates> versions)
{
    public static readonly ParkingRateBook Empty = new([]);

    public IReadOnlyList<ParkingRates> Versions => versions;

    public ParkingRates? For(string operatorCode, LocalDate on) =>
        versions.Where(v => v.Operators.Contains(operatorCode) && v.EffectiveFrom <= on).MaxBy(v => v.EffectiveFrom);
}
