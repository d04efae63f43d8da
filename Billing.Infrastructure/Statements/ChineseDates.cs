using NodaTime;

namespace RedProperty.Billing.Infrastructure.Statements;

internal static class ChineseDates
{
    public static string Month(YearMonth period) => $"{period.Year}年{period.Month}月";

    public static string Day(LocalDate date) => $"{date.Year}年{date.Month}月{date.Day}日";
}
