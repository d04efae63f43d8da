using System.Globalization;

namespace RedProperty.Billing.Infrastructure.Exports;

/// <summary>
/// Cells of CSV files finance staff open in a spreadsheet. A cell that begins with = + - @ (or a
/// tab or carriage return) is a formula to Excel and WPS, so an owner named "=HYPERLINK(…)" would
/// run on a clerk's machine; such a cell is written with a leading apostrophe, which spreadsheets
/// show as text. Numbers (a negative amount like -10.00) stay numbers.
/// </summary>
public static class SpreadsheetCell
{
    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text) || text[0] is not ('=' or '+' or '-' or '@' or '\t' or '\r'))
        {
            return text ?? string.Empty;
        }

        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)
            ? text
            : "'" + text;
    }
}
