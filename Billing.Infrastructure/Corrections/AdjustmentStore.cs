using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Corrections;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Infrastructure.Corrections;

/// <summary>A correction as finance staff enter it: the statement it corrects, the amount (negative for a credit), why, and who.</summary>
/// <param name="Key">Optional: a retry with the same key for the same statement finds the first recording instead of adding a second.</param>
public sealed record AdjustmentInput(string StatementNo, Money Amount, string? Reason, string? RecordedBy, string? Key = null);

/// <summary>Where (part of) an adjustment was billed.</summary>
public sealed record AdjustmentApplication(string StatementNo, YearMonth Period, int LineNo, Money Amount);

/// <summary>A recorded correction with what later statements have billed of it.</summary>
public sealed record AdjustmentView(
    long Id,
    string Household,
    string CorrectsStatementNo,
    YearMonth CorrectsPeriod,
    Money Amount,
    string Reason,
    string RecordedBy,
    Instant RecordedAt,
    string? Key,
    IReadOnlyList<AdjustmentApplication> Applications)
{
    public Money Applied => Money.Sum(Applications.Select(a => a.Amount));

    /// <summary>What later statements have still to bill.</summary>
    public Money Pending => Amount - Applied;
}

public sealed record RecordedAdjustment(bool Duplicate, AdjustmentView Adjustment);

/// <summary>The key was already used for this statement with another amount or reason: it is not the same correction (an HTTP 409).</summary>
public sealed class AdjustmentConflictException(string message) : Exception(message);

/// <summary>Corrections of issued statements in PostgreSQL, and where each was billed.</summary>
public sealed class AdjustmentStore(NpgsqlDataSource dataSource)
{
    private const string Source = "adjustment";

    /// <summary>
    /// Records a correction of an issued statement, for that statement's household. Nothing is
    /// billed now: the household's next statement carries it as a line.
    /// </summary>
    public async Task<RecordedAdjustment> RecordAsync(AdjustmentInput input, CancellationToken ct = default)
    {
        var errors = StatementAdjustments.Check(Source, input.Amount, input.Reason, input.RecordedBy).ToList();
        if (input.Key is { } key && (string.IsNullOrWhiteSpace(key) || key.Length > 100))
        {
            errors.Add(new InputError(Source, null, "key", "adjustment.key.invalid", "an idempotency key is 1 to 100 characters"));
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var statement = await StatementAsync(connection, tx, input.StatementNo, ct);
        if (statement is null)
        {
            errors.Insert(0, new InputError(Source, null, "statement", "adjustment.statement.unknown", $"there is no issued statement {input.StatementNo}"));
        }

        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        var (statementId, household) = statement!.Value;
        long? id;
        await using (var insert = new NpgsqlCommand(
            """
            insert into statement_adjustment (household_code, corrects_statement_id, amount, reason, recorded_by, idempotency_key)
            values (@h, @s, @a, @reason, @by, @key)
            on conflict (corrects_statement_id, idempotency_key) do nothing
            returning id
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("h", household);
            insert.Parameters.AddWithValue("s", statementId);
            insert.Parameters.AddWithValue("a", input.Amount.Yuan);
            insert.Parameters.AddWithValue("reason", input.Reason!.Trim());
            insert.Parameters.AddWithValue("by", input.RecordedBy!.Trim());
            insert.Parameters.AddWithValue("key", (object?)input.Key ?? DBNull.Value);
            id = await insert.ExecuteScalarAsync(ct) as long?;
        }

        await tx.CommitAsync(ct);
        if (id is { } newId)
        {
            return new RecordedAdjustment(false, (await ReadAsync("a.id = @v", newId, ct)).Single());
        }

        var existing = (await ReadAsync("a.corrects_statement_id = @v", statementId, ct)).Single(a => a.Key == input.Key);
        if (existing.Amount != input.Amount || existing.Reason != input.Reason!.Trim())
        {
            throw new AdjustmentConflictException(
                $"key '{input.Key}' already recorded adjustment {existing.Id} of {existing.Amount.ToFenString()} yuan ({existing.Reason}) for statement {input.StatementNo}");
        }

        return new RecordedAdjustment(true, existing);
    }

    /// <summary>The household of an issued statement, for scope checks; null when there is no such statement.</summary>
    public async Task<string?> HouseholdOfStatementAsync(string statementNo, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await StatementAsync(connection, null, statementNo, ct))?.Household;
    }

    /// <summary>A household's corrections, oldest first, with where each was billed.</summary>
    public Task<IReadOnlyList<AdjustmentView>> ForHouseholdAsync(string household, CancellationToken ct = default) =>
        ReadAsync("a.household_code = @v", household, ct);

    /// <summary>
    /// Per household of a community: the corrections its statement for <paramref name="period"/>
    /// bills, so that computing a month again gives the same lines as the first time (a rerun,
    /// issuing after a crash, drawing PDFs later). A household whose statement for the period is
    /// issued gets exactly the corrections that statement billed, with what was pending before
    /// it; a correction recorded since waits for the next month. Any other household gets every
    /// correction of an earlier month not yet fully billed.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<PendingAdjustment>>> MonthAsync(string community, YearMonth period, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            select household_code, id, statement_no, reason, amount, pending from (
                select a.household_code, a.id, c.statement_no, a.reason, a.amount,
                       a.amount - coalesce((
                           select sum(x.amount) from statement_adjustment_application x join statement t on t.id = x.statement_id
                           where x.adjustment_id = a.id and (own.id is null or t.period < @p)), 0) as pending
                from household h
                join statement_adjustment a on a.household_code = h.code
                join statement c on c.id = a.corrects_statement_id and c.period < @p
                left join statement own on own.household_code = h.code and own.period = @p
                where h.community_code = @c
                  and (own.id is null
                       or exists (select 1 from statement_adjustment_application x where x.adjustment_id = a.id and x.statement_id = own.id))
            ) candidates
            where pending <> 0
            order by household_code, id
            """);
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, List<PendingAdjustment>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var household = reader.GetString(0);
            if (!result.TryGetValue(household, out var list))
            {
                result[household] = list = [];
            }

            list.Add(new PendingAdjustment(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), new Money(reader.GetDecimal(4)), new Money(reader.GetDecimal(5))));
        }

        return result.ToDictionary(r => r.Key, r => (IReadOnlyList<PendingAdjustment>)r.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// Records that a statement's adjustment line billed (part of) an adjustment. The database
    /// refuses an application beyond the adjustment, to another household or in its own month.
    /// </summary>
    internal static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long adjustmentId, long statementId, int lineNo, Money amount, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand(
            "insert into statement_adjustment_application (adjustment_id, statement_id, line_no, amount) values (@a, @s, @l, @amount)", connection, tx);
        insert.Parameters.AddWithValue("a", adjustmentId);
        insert.Parameters.AddWithValue("s", statementId);
        insert.Parameters.AddWithValue("l", lineNo);
        insert.Parameters.AddWithValue("amount", amount.Yuan);
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task<(long Id, string Household)?> StatementAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string statementNo, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select id, household_code from statement where statement_no = @no", connection, tx);
        cmd.Parameters.AddWithValue("no", statementNo);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    private async Task<IReadOnlyList<AdjustmentView>> ReadAsync<T>(string where, T value, CancellationToken ct)
    {
        var applications = new Dictionary<long, List<AdjustmentApplication>>();
        await using (var cmd = dataSource.CreateCommand(
            $"""
            select x.adjustment_id, t.statement_no, t.period, x.line_no, x.amount
            from statement_adjustment_application x
            join statement_adjustment a on a.id = x.adjustment_id
            join statement t on t.id = x.statement_id
            where {where} order by t.period
            """))
        {
            cmd.Parameters.AddWithValue("v", value!);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                if (!applications.TryGetValue(id, out var list))
                {
                    applications[id] = list = [];
                }

                list.Add(new AdjustmentApplication(reader.GetString(1), reader.GetFieldValue<LocalDate>(2).ToYearMonth(), reader.GetInt32(3), new Money(reader.GetDecimal(4))));
            }
        }

        var result = new List<AdjustmentView>();
        await using (var cmd = dataSource.CreateCommand(
            $"""
            select a.id, a.household_code, s.statement_no, s.period, a.amount, a.reason, a.recorded_by, a.recorded_at, a.idempotency_key
            from statement_adjustment a join statement s on s.id = a.corrects_statement_id
            where {where} order by a.id
            """))
        {
            cmd.Parameters.AddWithValue("v", value!);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                result.Add(new AdjustmentView(
                    id,
                    reader.GetString(1),
                    reader.GetString(2),
                    reader.GetFieldValue<LocalDate>(3).ToYearMonth(),
                    new Money(reader.GetDecimal(4)),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetFieldValue<Instant>(7),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    applications.GetValueOrDefault(id) ?? []));
            }
        }

        return result;
    }
}
