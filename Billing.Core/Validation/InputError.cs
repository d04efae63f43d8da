using System.Text;

namespace RedProperty.Billing.Core.Validation;

/// <summary>
/// A problem in data someone gave us (a CSV row, a rate file, an API body), located precisely
/// enough that finance staff can open the file and fix it without help.
/// </summary>
/// <param name="Source">File name or request part, e.g. "households.csv".</param>
/// <param name="Row">1-based row (CSV, counting the header as row 1) or line (JSON); null when not known.</param>
/// <param name="Field">Column or JSON path, e.g. "building_area_m2" or "levels[0].pricePerSquareMetreMonth".</param>
/// <param name="Code">Stable machine code, e.g. "household.area.invalid".</param>
public sealed record InputError(string Source, int? Row, string? Field, string Code, string Message)
{
    public override string ToString()
    {
        var where = new StringBuilder(Source);
        if (Row is not null)
        {
            where.Append(", row ").Append(Row.Value);
        }

        if (Field is not null)
        {
            where.Append(", field '").Append(Field).Append('\'');
        }

        return $"{where}: {Message} [{Code}]";
    }
}

/// <summary>Thrown at the edges when input is rejected; carries every error found, not just the first.</summary>
public sealed class InputRejectedException(IReadOnlyList<InputError> errors)
    : Exception(Describe(errors))
{
    public IReadOnlyList<InputError> Errors { get; } = errors;

    private static string Describe(IReadOnlyList<InputError> errors) =>
        errors.Count == 1
            ? errors[0].ToString()
            : $"{errors.Count} problems:{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
