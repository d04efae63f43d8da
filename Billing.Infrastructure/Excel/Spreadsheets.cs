using System.Globalization;
using CsvHelper;
using MiniExcelLibs;

namespace RedProperty.Billing.Infrastructure.Excel;

/// <summary>
/// .xlsx in and out through MiniExcel. Exports have Chinese headers and keep amounts as numbers;
/// text that a spreadsheet would take for a formula (= + - @ at the start) is written with a
/// leading apostrophe, so an owner's name can never run as a formula on a finance officer's PC.
/// Uploads are turned into the CSV text the existing parsers read, row for row, so a bad cell is
/// reported with the same row number the person sees in Excel.
/// </summary>
public static class Spreadsheets
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Write(string sheetName, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var table = rows.Select(row =>
        {
            var record = new Dictionary<string, object?>(headers.Count, StringComparer.Ordinal);
            for (var i = 0; i < headers.Count; i++)
            {
                record[headers[i]] = Cell(i < row.Count ? row[i] : null);
            }

            return (IDictionary<string, object?>)record;
        }).ToList();
        if (table.Count == 0)
        {
            // MiniExcel writes no header row for an empty list; an empty export still says what its columns are.
            table.Add(headers.ToDictionary(h => h, _ => (object?)null));
        }

        using var stream = new MemoryStream();
        stream.SaveAs(table, printHeader: true, sheetName: sheetName, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    /// <summary>A cell as it is written: numbers stay numbers, dates ISO text, formula-like text defused.</summary>
    public static object? Cell(object? value) => value switch
    {
        null => null,
        string s when s.Length > 0 && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' => "'" + s,
        NodaTime.LocalDate d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <summary>The first sheet of an .xlsx as CSV text (first row the header), for the CSV parsers.</summary>
    public static string ToCsv(byte[] xlsx)
    {
        using var input = new MemoryStream(xlsx);
        var rows = input.Query(useHeaderRow: false, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Values.Select((v, i) => (v, i)).LastOrDefault(x => x.v is not null && x.v.ToString() != string.Empty).i + 1);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var row in rows)
            {
                foreach (var value in row.Values.Take(width))
                {
                    csv.WriteField(Text(value));
                }

                csv.NextRecord();
            }
        }

        return text.ToString();
    }

    /// <summary>True when the bytes are a zip (every .xlsx is), whatever the file was called.</summary>
    public static bool LooksLikeXlsx(byte[] content) => content.Length > 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4;

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        DateTime t when t.TimeOfDay == TimeSpan.Zero => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
