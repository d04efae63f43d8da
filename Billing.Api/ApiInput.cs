using RedProperty.Billing.Core.Runs;
using Microsoft.AspNetCore.Http.HttpResults;
using NodaTime;
using NodaTime.Extensions;
using NodaTime.Text;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api;

/// <summary>Reading months and dates from routes, queries and bodies, with a problem naming the field when they are wrong.</summary>
internal static class ApiInput
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>Today where the residents live: Asia/Shanghai, whatever the server's time zone.</summary>
    public static LocalDate Today(IClock clock) => clock.InZone(Shanghai).GetCurrentDate();

    public static bool TryPeriod(string? text, out YearMonth month, out ProblemHttpResult problem, string field = "period")
    {
        var parsed = BillingPeriod.Pattern.Parse(text ?? string.Empty);
        month = parsed.Success ? parsed.Value : default;
        problem = parsed.Success ? null! : Problems.Field(StatusCodes.Status400BadRequest, "Invalid period", $"'{text}' is not a month like 2026-10.", field);
        return parsed.Success;
    }

    /// <summary>A date, or <paramref name="fallback"/> when none is given.</summary>
    public static bool TryDate(string? text, LocalDate fallback, out LocalDate date, out ProblemHttpResult problem, string field)
    {
        if (text is null)
        {
            (date, problem) = (fallback, null!);
            return true;
        }

        var parsed = LocalDatePattern.Iso.Parse(text);
        date = parsed.Success ? parsed.Value : fallback;
        problem = parsed.Success ? null! : Problems.Field(StatusCodes.Status400BadRequest, "Invalid date", $"{field} is a date like 2026-11-23, got '{text}'.", field);
        return parsed.Success;
    }
}
