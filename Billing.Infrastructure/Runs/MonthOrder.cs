using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Runs;

using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>
/// Months are issued in order, and only once they have begun. A month issued after a later one
/// would be dated after it and overdue at once, the later statement's "previous amount due" would
/// not include it, and credits already used later would be counted again; a month that has not
/// begun would bill days nobody has lived yet. A draft (preview) may look ahead; issuing may not.
/// </summary>
public static class MonthOrder
{
    /// <summary>Why <paramref name="community"/> may not issue <paramref name="period"/> on <paramref name="today"/> (Asia/Shanghai; null: not checked), or null.</summary>
    /// <param name="expectedStatements">The statements the approved draft holds; a month whose statements are all issued already may be issued again (it adds nothing).</param>
    public static async Task<string?> ProblemAsync(
        NpgsqlDataSource dataSource, CommunityCode community, YearMonth period, LocalDate? today, int? expectedStatements, CancellationToken ct = default)
    {
        if (today is { } day && period.OnDayOfMonth(1) > day)
        {
            return $"{BillingPeriod.Format(period)} has not begun in Asia/Shanghai (today is {day:yyyy-MM-dd}), so it cannot be issued yet; a draft may preview it.";
        }

        var issued = (await dataSource.QueryRowAsync<IssuedMonthsRow>(
            """
            select (select max(period) from statement where community_code = @c and period > @p) as later_period,
                   (select count(*)::int from statement where community_code = @c and period = @p) as statements
            """,
            new { c = community.Value, p = period.OnDayOfMonth(1) },
            ct))!;
        if (issued.LaterPeriod is not { } laterPeriod || (expectedStatements is { } expected && issued.Statements >= expected))
        {
            return null;
        }

        var later = BillingPeriod.Format(laterPeriod.ToYearMonth());
        return $"{community} already has statements for {later}, so {BillingPeriod.Format(period)} cannot be issued after it: months are issued in order. "
            + $"Bill what {BillingPeriod.Format(period)} missed as corrections on the next statement "
            + "(adjust --statement NO --amount YUAN --reason TEXT, or POST /api/statements/{no}/adjustments).";
    }
}

internal sealed record IssuedMonthsRow(LocalDate? LaterPeriod, int Statements);
