using Microsoft.Extensions.Configuration;

namespace RedProperty.Billing.Infrastructure.Subsidies;

/// <summary>
/// When the district desk calls an evaluation score old. Districts score on their own calendar
/// (some yearly, some twice a year), so the limit is configuration, read the same way by the
/// district's pages, the Api and the command line.
/// </summary>
public static class DistrictDeskSettings
{
    public const string StaleScoreMonthsKey = "DistrictDesk:StaleScoreMonths";

    /// <summary>Half a year: most districts score at least twice a year.</summary>
    public const int DefaultStaleScoreMonths = 6;

    /// <summary>The configured limit in months (1–60), or the default when unset; anything else stops start-up with the key named.</summary>
    public static int StaleScoreMonths(IConfiguration configuration)
    {
        var text = configuration[StaleScoreMonthsKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultStaleScoreMonths;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var months) && months is >= 1 and <= 60
            ? months
            : throw new InvalidOperationException($"{StaleScoreMonthsKey} is a whole number of months from 1 to 60; got '{text}'.");
    }
}
