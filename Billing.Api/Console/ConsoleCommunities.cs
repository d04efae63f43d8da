using Dapper;
using Npgsql;

namespace RedProperty.Billing.Api.FinanceConsole;

public sealed record OperatorCommunity(string Code, string Name, string District);

/// <summary>The communities of the signed-in person's operator: every page of community data starts from this list, so another operator's community is simply not there.</summary>
public sealed class ConsoleCommunities(NpgsqlDataSource db)
{
    public async Task<IReadOnlyList<OperatorCommunity>> OfAsync(string operatorCode, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<OperatorCommunity>(new CommandDefinition(
            "select code as code, name as name, district as district from community where operator_code = @operatorCode order by code",
            new { operatorCode }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The latest month the operator issued statements for, the month the pages open on.</summary>
    public async Task<NodaTime.YearMonth?> LatestBilledMonthAsync(string operatorCode, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var latest = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "select to_char(max(s.period), 'YYYY-MM') from statement s join community c on c.code = s.community_code where c.operator_code = @operatorCode",
            new { operatorCode }, cancellationToken: ct));
        return ConsoleInput.TryMonth(latest, out var month) ? month : null;
    }
}
