namespace RedProperty.Billing.Infrastructure.Documents;

/// <summary>
/// What goes into a cell of a CSV that people open in a spreadsheet: text that starts like a
/// formula is made inert, and phone numbers on lists that leave the office are masked.
/// </summary>
public static class CsvCells
{
    /// <summary>
    /// Text from people (names, addresses, references) that begins with = + - @ (or a tab or
    /// carriage return) gets a leading apostrophe, so a spreadsheet shows it instead of running it.
    /// </summary>
    public static string Text(string? value) =>
        value is { Length: > 0 } v && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + v : value ?? string.Empty;

    /// <summary>"138****1234": enough for a volunteer to recognise the number with the resident, not to copy it.</summary>
    public static string MaskedPhone(string? phone)
    {
        var digits = phone?.Trim() ?? string.Empty;
        if (digits.Length == 0)
        {
            return string.Empty;
        }

        return digits.Length >= 7
            ? digits[..3] + new string('*', digits.Length - 7) + digits[^4..]
            : new string('*', digits.Length);
    }
}
