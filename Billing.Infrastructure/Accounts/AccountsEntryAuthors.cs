using Dapper;
using Npgsql;
using NodaTime;
using NodaTime.Text;

namespace RedProperty.Billing.Infrastructure.Accounts;

/// <summary>Who entered each of a community's entries for a month (the accounts notice leaves them out; the console shows them).</summary>
public sealed class AccountsEntryAuthors(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyDictionary<long, string>> OfMonthAsync(string community, YearMonth period, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Author>(new CommandDefinition(
            "select id as id, entered_by as enteredBy from community_account_entry where community_code = @community and period = @period::date",
            new { community, period = LocalDatePattern.Iso.Format(period.OnDayOfMonth(1)) }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Id, r => r.EnteredBy);
    }

    private sealed record Author(long Id, string EnteredBy);
}
