using Dapper;
using Npgsql;
using NodaTime;

namespace RedProperty.Billing.Infrastructure.Subsidies;

/// <summary>One recorded evaluation score: it applies from its month until the community's next score.</summary>
public sealed record ScoreEntry(string Community, LocalDate Period, decimal Score, string Source, Instant RecordedAt)
{
    public YearMonth Month => new(Period.Year, Period.Month);
}

/// <summary>The evaluation scores of an operator's communities, for the console's scores-and-claims page.</summary>
public sealed class ScoreHistory(NpgsqlDataSource dataSource)
{
    /// <summary>Every score of the operator's communities, newest first within each community.</summary>
    public async Task<IReadOnlyList<ScoreEntry>> OfOperatorAsync(string operatorCode, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ScoreEntry>(new CommandDefinition(
            """
            select e.community_code as community, e.period as period, e.score as score, e.source as source, e.recorded_at as recordedAt
            from evaluation_score e join community c on c.code = e.community_code
            where c.operator_code = @operatorCode
            order by e.community_code, e.period desc
            """, new { operatorCode }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The score in force for a month: the latest recorded for that month or before.</summary>
    public static ScoreEntry? InForce(IEnumerable<ScoreEntry> scores, string community, YearMonth month) =>
        scores.Where(s => s.Community == community && s.Month <= month).MaxBy(s => s.Period);
}
