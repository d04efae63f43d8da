using NodaTime;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Statements;

/// <summary>Statement dates, as data: when statements are issued and how long residents have to pay.</summary>
/// <param name="DaysToPay">Days between issue and due date.</param>
public sealed record StatementCalendar(int DaysToPay)
{
    public static readonly StatementCalendar Default = new(15);

    /// <summary>Statements for a month are dated the first day of the next month, so rerunning a month gives the same dates.</summary>
    public LocalDate IssueDate(YearMonth period) => period.PlusMonths(1).OnDayOfMonth(1);

    public LocalDate DueDate(YearMonth period) => IssueDate(period).PlusDays(DaysToPay);
}

/// <summary>Bills one community for one month: the pure heart of the monthly run.</summary>
public static class BillingEngine
{
    /// <summary>
    /// Statements for every household of <paramref name="community"/> in <paramref name="period"/>,
    /// or the problems that stop the community from being billed (all-or-nothing per community,
    /// so finance staff never see half a community billed).
    /// </summary>
    public static CommunityBill BillCommunity(
        Community community, IEnumerable<Household> households, RateCatalog rates, YearMonth period, StatementCalendar calendar)
    {
        var monthStart = period.OnDayOfMonth(1);
        var monthEnd = period.OnDayOfMonth(period.Calendar.GetDaysInMonth(period.Year, period.Month));
        if (community.BillingStart > monthEnd)
        {
            return new CommunityBill(community, period, [], [], NotYetBilled: true);
        }

        // Serve first, charge later: a community whose billing starts mid-month pays from that day.
        var from = community.BillingStart > monthStart ? community.BillingStart : monthStart;
        var days = Period.DaysBetween(from, monthEnd) + 1;

        var version = rates.InForce(community.RateBook, from);
        if (version is null)
        {
            return Refused(community, period, "rates.version.missing",
                $"rate book '{community.RateBook}' has no version in force on {from:yyyy-MM-dd}");
        }

        if (!version.Prices.TryGetValue(community.Level, out var price))
        {
            return Refused(community, period, "rates.level.unpriced",
                $"rate book version {version.VersionId} has no price for service level {community.Level}");
        }

        var statements = households
            .Where(h => h.Community == community.Code)
            .Select(h => new StatementModel(
                community,
                h,
                period,
                [PropertyFee.Line(h.Area, community.Level, version, price, period, days)],
                calendar.IssueDate(period),
                calendar.DueDate(period)))
            .ToList();
        return new CommunityBill(community, period, statements, [], NotYetBilled: false);
    }

    private static CommunityBill Refused(Community community, YearMonth period, string code, string message) =>
        new(community, period, [], [new InputError($"community {community.Code}", null, "rate_book", code, message)], NotYetBilled: false);
}

/// <summary>The outcome of billing one community for one month.</summary>
public sealed record CommunityBill(
    Community Community,
    YearMonth Period,
    IReadOnlyList<StatementModel> Statements,
    IReadOnlyList<InputError> Problems,
    bool NotYetBilled)
{
    public bool Succeeded => Problems.Count == 0;
}
