using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>
/// Reads the register CSV files that finance staff export from Excel. A file is parsed whole and
/// every bad row reported with its row number and column; a file with any error yields nothing,
/// so an import can never store half a file. Optional columns may be left out of the header.
/// </summary>
public static partial class RegisterCsv
{
    public static readonly CsvLayout Communities = new(
        ["community_code", "community_name", "operator_code", "operator_name", "city", "district", "rate_book", "service_level", "billing_start"],
        ["zone_code", "zone_name", "building_type", "agreed_price", "level_effective_from"]);

    public static readonly CsvLayout Buildings = new(["community_code", "building", "building_type"], []);

    public static readonly CsvLayout Households = new(
        ["household_code", "community_code", "building", "unit", "room", "building_area_m2", "owner_name"],
        ["occupant_name", "phone", "parking_permits", "effective_from"]);

    public static readonly CsvLayout Occupancy = new(["household_code", "status", "effective_from"], []);

    public static readonly CsvLayout MeterReadings = new(["household_code", "period", "item_code", "quantity"], []);

    public static readonly CsvLayout Scores = new(["community_code", "period", "score"], []);

    /// <summary>Payments as exported by a channel; the Chinese headers of WeChat Pay, Alipay and bank exports are accepted too.</summary>
    public static readonly CsvLayout Payments = new(["reference", "household_code", "amount", "paid_on"], ["channel"])
    {
        Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["交易单号"] = "reference", ["流水号"] = "reference", ["收据号"] = "reference",
            ["户号"] = "household_code", ["房屋编号"] = "household_code",
            ["金额"] = "amount", ["金额(元)"] = "amount", ["金额（元）"] = "amount",
            ["支付时间"] = "paid_on", ["交易时间"] = "paid_on", ["交易日期"] = "paid_on",
            ["支付方式"] = "channel", ["渠道"] = "channel",
        },
    };

    private static readonly YearMonthPattern PeriodPattern = YearMonthPattern.CreateWithInvariantCulture("uuuu'-'MM");

    public static IReadOnlyList<Sourced<CommunityRow>> ReadCommunities(string source, TextReader reader) =>
        Collect(errors => StreamCommunities(source, reader, errors));

    /// <summary>The rows of communities one at a time, for imports too large to hold; bad rows are skipped and their errors added to <paramref name="errors"/>.</summary>
    public static IEnumerable<Sourced<CommunityRow>> StreamCommunities(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, Communities, "community_code", ParseCommunities, errors);

    private static CommunityRow? ParseCommunities(CsvRow row)
    {
        var code = row.Code("community_code", s => new CommunityCode(s));
        var name = row.Required("community_name");
        var operatorCode = row.Code("operator_code", s => new CommunityCode(s))?.Value;
        var operatorName = row.Required("operator_name");
        var zoneCode = row.Optional("zone_code") is { } z ? row.Code("zone_code", s => new CommunityCode(s))?.Value : null;
        var city = row.Required("city");
        var district = row.Required("district");
        var rateBook = row.Required("rate_book");
        var buildingType = row.Optional("building_type") is { } bt ? row.Parse<BuildingType>("building_type", bt, BuildingTypes.TryParse, "community.building_type.invalid", "multi-storey (多层) or high-rise (高层)") : BuildingType.MultiStorey;
        var levelText = row.Required("service_level");
        var level = levelText is null ? default : row.Parse<ServiceLevel>("service_level", levelText, ServiceLevel.TryParse, "community.level.invalid", "a service level: 1星 to 5星, or 1级 to 3级");
        var agreed = row.Optional("agreed_price") is { } ap ? row.Price("agreed_price", ap) : null;
        var levelFrom = row.OptionalDate("level_effective_from");
        var start = row.RequiredDate("billing_start");
        return row.IsValid
            ? new CommunityRow(code!.Value, name!, operatorCode!, operatorName!, zoneCode, row.Optional("zone_name"), city!, district!,
                rateBook!, buildingType, level, agreed, levelFrom, start!.Value)
            : null;
    }

    public static IReadOnlyList<Sourced<BuildingRow>> ReadBuildings(string source, TextReader reader) =>
        Collect(errors => StreamBuildings(source, reader, errors));

    /// <summary>The rows of buildings one at a time, for imports too large to hold; bad rows are skipped and their errors added to <paramref name="errors"/>.</summary>
    public static IEnumerable<Sourced<BuildingRow>> StreamBuildings(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, Buildings, null, ParseBuildings, errors);

    private static BuildingRow? ParseBuildings(CsvRow row)
    {
        var community = row.Code("community_code", s => new CommunityCode(s));
        var building = row.Required("building");
        var text = row.Required("building_type");
        var type = text is null ? default : row.Parse<BuildingType>("building_type", text, BuildingTypes.TryParse, "building.type.invalid", "multi-storey (多层) or high-rise (高层)");
        return row.IsValid ? new BuildingRow(community!.Value, building!, type) : null;
    }

    public static IReadOnlyList<Sourced<HouseholdRow>> ReadHouseholds(string source, TextReader reader) =>
        Collect(errors => StreamHouseholds(source, reader, errors));

    /// <summary>The rows of households one at a time, for imports too large to hold; bad rows are skipped and their errors added to <paramref name="errors"/>.</summary>
    public static IEnumerable<Sourced<HouseholdRow>> StreamHouseholds(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, Households, null, ParseHouseholds, errors);

    private static HouseholdRow? ParseHouseholds(CsvRow row)
    {
        var code = row.Code("household_code", s => new HouseholdCode(s));
        var community = row.Code("community_code", s => new CommunityCode(s));
        var building = row.Required("building");
        var unit = row.Required("unit");
        var room = row.Required("room");
        var owner = row.Required("owner_name");
        var areaText = row.Required("building_area_m2");
        SquareMetres area = default;
        if (areaText is not null && !SquareMetres.TryParse(areaText, out area, out var problem))
        {
            row.Error("building_area_m2", "household.area.invalid", problem);
        }

        var permits = 0;
        if (row.Optional("parking_permits") is { } p && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out permits) || permits > 20))
        {
            row.Error("parking_permits", "household.permits.invalid", $"'{p}' is not a number of parking permits (0 to 20)");
        }

        var from = row.OptionalDate("effective_from");
        return row.IsValid
            ? new HouseholdRow(code!.Value, community!.Value,
                new HouseholdDetails(building!, unit!, room!, area, owner!, row.Optional("occupant_name"), row.Optional("phone"), permits), from)
            : null;
    }

    public static IReadOnlyList<Sourced<OccupancyRow>> ReadOccupancy(string source, TextReader reader) =>
        Collect(errors => StreamOccupancy(source, reader, errors));

    /// <summary>The rows of occupancy one at a time, for imports too large to hold; bad rows are skipped and their errors added to <paramref name="errors"/>.</summary>
    public static IEnumerable<Sourced<OccupancyRow>> StreamOccupancy(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, Occupancy, null, ParseOccupancy, errors);

    private static OccupancyRow? ParseOccupancy(CsvRow row)
    {
        var code = row.Code("household_code", s => new HouseholdCode(s));
        var text = row.Required("status");
        var status = text is null ? default : row.Parse<Occupancy>("status", text, Occupancies.TryParse, "occupancy.status.invalid", "occupied (入住), vacant (空置), moved-out (迁出) or not-billed (未交付, not handed over)");
        var from = row.RequiredDate("effective_from");
        return row.IsValid ? new OccupancyRow(code!.Value, status, from!.Value) : null;
    }

    public static IReadOnlyList<Sourced<MeterReadingRow>> ReadMeterReadings(string source, TextReader reader) =>
        Collect(errors => StreamMeterReadings(source, reader, errors));

    /// <summary>The rows of meterreadings one at a time, for imports too large to hold; bad rows are skipped and their errors added to <paramref name="errors"/>.</summary>
    public static IEnumerable<Sourced<MeterReadingRow>> StreamMeterReadings(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, MeterReadings, null, ParseMeterReadings, errors);

    private static MeterReadingRow? ParseMeterReadings(CsvRow row)
    {
        var code = row.Code("household_code", s => new HouseholdCode(s));
        var periodText = row.Required("period");
        var period = periodText is null ? null : PeriodPattern.Parse(periodText) is { Success: true } ok ? ok.Value : (YearMonth?)null;
        if (periodText is not null && period is null)
        {
            row.Error("period", "meter.period.invalid", $"'{periodText}' is not a month like 2026-10");
        }

        var item = row.Required("item_code");
        var quantityText = row.Required("quantity");
        if (quantityText is not null && (!decimal.TryParse(quantityText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var quantity) || quantity < 0m))
        {
            row.Error("quantity", "meter.quantity.invalid", $"'{quantityText}' is not a quantity of 0 or more");
            quantity = 0m;
        }
        else
        {
            quantity = quantityText is null ? 0m : decimal.Parse(quantityText, CultureInfo.InvariantCulture);
        }

        return row.IsValid ? new MeterReadingRow(code!.Value, period!.Value, item!, quantity) : null;
    }

    /// <summary>Payments; <paramref name="channel"/> applies to rows without a channel column (a file from one channel).</summary>
    public static IReadOnlyList<Sourced<Payments.PaymentInput>> ReadPayments(string source, TextReader reader, Core.Payments.PaymentChannel? channel) =>
        Read(source, reader, Payments, "reference", row =>
        {
            var reference = row.Required("reference");
            var household = row.Code("household_code", s => new HouseholdCode(s));
            var amountText = row.Required("amount")?.Replace("¥", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal).Trim();
            decimal amount = 0m;
            if (amountText is not null
                && (!decimal.TryParse(amountText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount) || amount <= 0m || decimal.Round(amount, 2) != amount))
            {
                row.Error("amount", "payment.amount.invalid", $"'{amountText}' is not a positive amount in yuan with at most two decimals");
            }

            // Channel exports carry a time ("2026-11-05 14:23:11"); the ledger keeps the day.
            var paidText = row.Required("paid_on");
            var paidOn = paidText is null ? null : row.DateText("paid_on", paidText.Split(' ', 'T')[0]);
            var resolved = channel;
            if (row.Optional("channel") is { } channelText)
            {
                resolved = row.Parse<Core.Payments.PaymentChannel>("channel", channelText, Core.Payments.PaymentChannels.TryParse, "payment.channel.invalid", "a channel: cash, wechat, alipay or bank");
            }
            else if (channel is null)
            {
                row.Error("channel", "payment.channel.missing", "say which channel the payment came through (a channel column, or the channel of the whole file)");
            }

            return row.IsValid ? new Payments.PaymentInput(household!.Value.Value, resolved!.Value, reference!, new Core.Money(amount), paidOn!.Value) : null;
        });

    /// <summary>The district's evaluation scores (双考核得分), one per community and month, 0 to 100.</summary>
    public static IReadOnlyList<Sourced<Subsidies.ScoreRow>> ReadScores(string source, TextReader reader) =>
        Collect(errors => StreamScores(source, reader, errors));

    /// <summary>The rows of scores one at a time, for imports too large to hold; bad rows are skipped and their errors added to <paramref name="errors"/>.</summary>
    public static IEnumerable<Sourced<Subsidies.ScoreRow>> StreamScores(string source, TextReader reader, List<InputError> errors) =>
        Stream(source, reader, Scores, null, ParseScores, errors);

    private static Subsidies.ScoreRow? ParseScores(CsvRow row)
    {
        var code = row.Code("community_code", s => new CommunityCode(s));
        var periodText = row.Required("period");
        var period = periodText is null ? null : PeriodPattern.Parse(periodText) is { Success: true } ok ? ok.Value : (YearMonth?)null;
        if (periodText is not null && period is null)
        {
            row.Error("period", "score.period.invalid", $"'{periodText}' is not a month like 2026-10");
        }

        var scoreText = row.Required("score");
        decimal score = 0m;
        if (scoreText is not null
            && (!decimal.TryParse(scoreText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out score) || score > 100m || decimal.Round(score, 2) != score))
        {
            row.Error("score", "score.range", $"'{scoreText}' is not a score between 0 and 100 (at most two decimals)");
        }

        return row.IsValid ? new Subsidies.ScoreRow(code!.Value.Value, period!.Value, score) : null;
    }

    /// <summary>
    /// Excel saves "CSV UTF-8" with a BOM and plain "CSV" in the system code page (GB18030 on Chinese
    /// Windows). The file is read as a stream, so a register of a million households is never held
    /// whole: one pass checks whether it is valid UTF-8, the reader then decodes it as it goes.
    /// </summary>
    public static TextReader OpenFile(string path) =>
        new StreamReader(path, IsUtf8(path) ? new UTF8Encoding(false) : Gb18030(), detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });

    private static bool IsUtf8(string path)
    {
        var decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
        var bytes = new byte[1 << 16];
        var chars = new char[(1 << 16) + 4];
        using var stream = File.OpenRead(path);
        try
        {
            int read;
            while ((read = stream.Read(bytes, 0, bytes.Length)) > 0)
            {
                decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
            }

            decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static Encoding Gb18030()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("GB18030");
    }

    public static string Decode(byte[] bytes)
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            return utf8.GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030").GetString(bytes);
        }
    }

    private static List<Sourced<T>> Read<T>(string source, TextReader reader, CsvLayout layout, string? uniqueColumn, Func<CsvRow, T?> parse)
        where T : class =>
        Collect(errors => Stream(source, reader, layout, uniqueColumn, parse, errors));

    /// <summary>Reads a whole file; any error rejects all of it, so nothing is half read.</summary>
    private static List<Sourced<T>> Collect<T>(Func<List<InputError>, IEnumerable<Sourced<T>>> stream)
    {
        var errors = new List<InputError>();
        var result = stream(errors).ToList();
        return errors.Count > 0 ? throw new InputRejectedException(errors) : result;
    }

    private static IEnumerable<Sourced<T>> Stream<T>(string source, TextReader reader, CsvLayout layout, string? uniqueColumn, Func<CsvRow, T?> parse, List<InputError> errors)
        where T : class
    {
        // Only the unique column's keys are kept (community codes, payment references), never the rows.
        var seen = uniqueColumn is null ? null : new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in Rows(source, reader, layout, errors))
        {
            if (seen is not null && row.Raw(uniqueColumn!) is { Length: > 0 } key && !seen.TryAdd(key, row.Number))
            {
                row.Error(uniqueColumn!, "csv.row.duplicate", $"'{key}' already appears on row {seen[key]}");
            }

            var value = parse(row);
            if (value is not null && row.IsValid)
            {
                yield return new Sourced<T>(value, source, row.Number);
            }
        }
    }

    private static IEnumerable<CsvRow> Rows(string source, TextReader reader, CsvLayout layout, List<InputError> errors)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            DetectDelimiter = false,
            MissingFieldFound = null,
        };
        // A stray or unclosed quote shifts every later field, so the row is reported, not guessed at.
        int? badRow = null;
        config.BadDataFound = bad =>
        {
            badRow = bad.Context.Parser?.Row ?? 0;
            errors.Add(new InputError(source, badRow.Value, null, "csv.quote.invalid",
                $"bad quoting near {Shorten(bad.Field)}: a field with a quote must be quoted as a whole, with the quote doubled (\"\")"));
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            errors.Add(new InputError(source, 1, null, "csv.header.missing", $"the file is empty; expected the header {layout.Header}"));
            yield break;
        }

        var header = csv.HeaderRecord.Select(h => h.Trim().TrimStart('\uFEFF')).Select(h => layout.Aliases.GetValueOrDefault(h, h)).ToArray();
        var missing = layout.Required.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        var unknown = header.Where(h => h.Length > 0 && !layout.Required.Contains(h) && !layout.Optional.Contains(h)).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
        {
            var problem = missing.Count > 0 ? $"missing column(s) {string.Join(", ", missing)}" : $"unknown column(s) {string.Join(", ", unknown)}";
            errors.Add(new InputError(source, 1, string.Join(',', missing.Count > 0 ? missing : unknown), "csv.header.columns",
                $"{problem}; expected the header {layout.Header}"));
            yield break;
        }

        var index = header.Select((h, i) => (h, i)).Where(x => x.h.Length > 0).ToDictionary(x => x.h, x => x.i, StringComparer.Ordinal);
        while (csv.Read())
        {
            var fields = csv.Parser.Record ?? [];
            if (badRow == csv.Parser.Row)
            {
                continue;
            }

            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            yield return new CsvRow(source, csv.Parser.Row, fields, index, errors);
        }
    }

    private static string Shorten(string field)
    {
        var text = field.ReplaceLineEndings(" ");
        return text.Length <= 40 ? $"'{text}'" : $"'{text[..40]}…'";
    }

    private sealed partial class CsvRow(string source, int number, string[] fields, Dictionary<string, int> index, List<InputError> errors)
    {
        private int _errors;

        public int Number => number;

        public bool IsValid => _errors == 0;

        public string? Raw(string column) =>
            index.TryGetValue(column, out var i) && i < fields.Length ? fields[i].Trim() : null;

        public string? Optional(string column) => Raw(column) is { Length: > 0 } value ? value : null;

        public string? Required(string column)
        {
            var value = Optional(column);
            if (value is null)
            {
                Error(column, "csv.field.missing", "a value is required");
            }

            return value;
        }

        public T? Code<T>(string column, Func<string, T> create)
            where T : struct
        {
            var text = Required(column);
            if (text is null)
            {
                return null;
            }

            try
            {
                return create(text);
            }
            catch (ArgumentException)
            {
                Error(column, "csv.code.invalid", $"'{text}' is not a valid code: use 1-64 ASCII letters, digits, '-', '_' or '.'");
                return null;
            }
        }

        public delegate bool TryParser<T>(string? text, out T value);

        public T Parse<T>(string column, string text, TryParser<T> parser, string code, string expected)
        {
            if (parser(text, out var value))
            {
                return value;
            }

            Error(column, code, $"'{text}' is not {expected}");
            return value;
        }

        public AreaPrice? Price(string column, string text)
        {
            if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price) && price >= 0m && decimal.Round(price, 4) == price)
            {
                return new AreaPrice(price);
            }

            Error(column, "csv.price.invalid", $"'{text}' is not a price in yuan per m² per month (0 or more, at most four decimals)");
            return null;
        }

        public LocalDate? OptionalDate(string column) => Optional(column) is { } text ? Date(column, text) : null;

        public LocalDate? RequiredDate(string column) => Required(column) is { } text ? Date(column, text) : null;

        public LocalDate? DateText(string column, string text) => Date(column, text);

        public void Error(string column, string code, string message)
        {
            _errors++;
            errors.Add(new InputError(source, number, column, code, message));
        }

        private LocalDate? Date(string column, string text)
        {
            if (CsvDates.TryParse(text, out var date))
            {
                return date;
            }

            Error(column, "csv.date.invalid", $"'{text}' is not a date like 2022-01-01");
            return null;
        }
    }
}

/// <summary>The columns of one register file: those that must be in the header and those that may.</summary>
public sealed record CsvLayout(string[] Required, string[] Optional)
{
    /// <summary>Other names a column goes by in files we did not design (a channel's export), mapped to ours.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();

    public string Header => string.Join(',', Required.Concat(Optional));
}
