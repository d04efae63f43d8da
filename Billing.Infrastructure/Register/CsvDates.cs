using NodaTime;
using NodaTime.Text;

namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>The date spellings the CSV files accept, shared with the command line so both take the same forms.</summary>
public static class CsvDates
{
    // Excel often re-saves ISO dates as 2022/1/1; staff type 2027-1-20. Accept those spellings.
    private static readonly LocalDatePattern[] Patterns =
    [
        LocalDatePattern.Iso,
        LocalDatePattern.CreateWithInvariantCulture("uuuu'/'M'/'d"),
        LocalDatePattern.CreateWithInvariantCulture("uuuu'-'M'-'d"),
    ];

    public const string Expected = "a date like 2022-01-01 (or 2022/1/1)";

    public static bool TryParse(string? text, out LocalDate date)
    {
        foreach (var pattern in Patterns)
        {
            if (text is not null && pattern.Parse(text.Trim()) is { Success: true } parsed)
            {
                date = parsed.Value;
                return true;
            }
        }

        date = default;
        return false;
    }
}
