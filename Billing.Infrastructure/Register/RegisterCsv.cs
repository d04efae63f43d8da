using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using NodaTime.Text;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>
/// Reads the register CSV files that finance staff export from Excel. A file is parsed whole and
/// every bad row reported with its row number and column; a file with any error yields nothing,
/// so an import can never store half a file.
/// </summary>
public static class RegisterCsv
{
    public static readonly string[] CommunityColumns =
        ["community_code", "community_name", "operator", "city", "district", "rate_book", "service_level", "billing_start"];

    public static readonly string[] HouseholdColumns =
        ["household_code", "community_code", "building", "unit", "room", "building_area_m2", "owner_name", "phone"];

    public static IReadOnlyList<Community> ReadCommunities(string source, TextReader reader)
    {
        var communities = new List<Community>();
        var errors = new List<InputError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in Rows(source, reader, CommunityColumns, errors))
        {
            var code = row.Code("community_code", s => new CommunityCode(s));
            var name = row.Required("community_name");
            var op = row.Required("operator");
            var city = row.Required("city");
            var district = row.Required("district");
            var rateBook = row.Required("rate_book");
            ServiceLevel level = default;
            var levelText = row.Required("service_level");
            if (levelText is not null && !ServiceLevel.TryParse(levelText, out level))
            {
                row.Error("service_level", "community.level.invalid", $"'{levelText}' is not a service level (write 1星 to 5星, or 1级 to 3级)");
            }

            var startText = row.Required("billing_start");
            var start = startText is null ? null : LocalDatePattern.Iso.Parse(startText);
            if (start is { Success: false })
            {
                row.Error("billing_start", "community.billing_start.invalid", $"'{startText}' is not a date like 2022-01-01");
            }

            if (code is { } c && !seen.TryAdd(c.Value, row.Number))
            {
                row.Error("community_code", "community.code.duplicate", $"community {c} already appears on row {seen[c.Value]}");
            }

            if (row.IsValid)
            {
                communities.Add(new Community(code!.Value, name!, op!, city!, district!, rateBook!, level, start!.Value));
            }
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : communities;
    }

    public static IReadOnlyList<Sourced<Household>> ReadHouseholds(string source, TextReader reader)
    {
        var households = new List<Sourced<Household>>();
        var errors = new List<InputError>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in Rows(source, reader, HouseholdColumns, errors))
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

            if (code is { } c && !seen.TryAdd(c.Value, row.Number))
            {
                row.Error("household_code", "household.code.duplicate", $"household {c} already appears on row {seen[c.Value]}");
            }

            if (row.IsValid)
            {
                households.Add(new Sourced<Household>(new Household(code!.Value, community!.Value, building!, unit!, room!, area, owner!), source, row.Number));
            }
        }

        return errors.Count > 0 ? throw new InputRejectedException(errors) : households;
    }

    /// <summary>Excel saves "CSV UTF-8" with a BOM and plain "CSV" in the system code page (GB18030 on Chinese Windows).</summary>
    public static TextReader OpenFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            var text = utf8.GetString(bytes);
            return new StringReader(text.TrimStart('\uFEFF'));
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return new StringReader(Encoding.GetEncoding("GB18030").GetString(bytes));
        }
    }

    private static IEnumerable<CsvRow> Rows(string source, TextReader reader, string[] columns, List<InputError> errors)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            DetectDelimiter = false,
            BadDataFound = null,
            MissingFieldFound = null,
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            errors.Add(new InputError(source, 1, null, "csv.header.missing", $"the file is empty; expected the header {string.Join(',', columns)}"));
            yield break;
        }

        var header = csv.HeaderRecord.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        var missing = columns.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(new InputError(source, 1, string.Join(',', missing), "csv.header.columns",
                $"missing column(s) {string.Join(", ", missing)}; expected the header {string.Join(',', columns)}"));
            yield break;
        }

        var index = columns.ToDictionary(c => c, c => Array.IndexOf(header, c), StringComparer.Ordinal);
        while (csv.Read())
        {
            var fields = csv.Parser.Record ?? [];
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            yield return new CsvRow(source, csv.Parser.Row, fields, index, errors);
        }
    }

    private sealed class CsvRow(string source, int number, string[] fields, Dictionary<string, int> index, List<InputError> errors)
    {
        private int _errors;

        public int Number => number;

        public bool IsValid => _errors == 0;

        public string? Required(string column)
        {
            var i = index[column];
            var value = i < fields.Length ? fields[i].Trim() : string.Empty;
            if (value.Length == 0)
            {
                Error(column, "csv.field.missing", "a value is required");
                return null;
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

        public void Error(string column, string code, string message)
        {
            _errors++;
            errors.Add(new InputError(source, number, column, code, message));
        }
    }
}

/// <summary>A parsed value and the file row it came from, so later checks can still name the row.</summary>
public sealed record Sourced<T>(T Value, string Source, int Row);
