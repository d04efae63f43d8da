using NodaTime;
using NodaTime.Text;

namespace RedProperty.Billing.Core.Runs;

/// <summary>A billing period as finance staff write it: "2026-10".</summary>
public static class BillingPeriod
{
    public static readonly YearMonthPattern Pattern = YearMonthPattern.CreateWithInvariantCulture("uuuu'-'MM");

    public static YearMonth Parse(string period)
    {
        var parsed = Pattern.Parse(period);
        return parsed.Success ? parsed.Value : throw new ArgumentException($"'{period}' is not a billing period like 2026-10.", nameof(period));
    }

    public static string Format(YearMonth period) => Pattern.Format(period);

    /// <summary>The month a scheduled run bills: the one that ended before today in Asia/Shanghai.</summary>
    public static YearMonth LastMonth(Instant now) =>
        now.InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).Date.ToYearMonth().PlusMonths(-1);
}
