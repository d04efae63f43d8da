using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Corrections;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Database;

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

        var (statementId, household) = statement!;
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
            return new RecordedAdjustment(false, (await ReadAsync(new AdjustmentFilter(Id: newId), ct)).Single());
        }

        var existing = (await ReadAsync(new AdjustmentFilter(StatementId: statementId), ct)).Single(a => a.Key == input.Key);
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
        return (await StatementAsync(connection, null, statementNo, ct))?.HouseholdCode;
    }

    /// <summary>A household's corrections, oldest first, with where each was billed.</summary>
    public Task<IReadOnlyList<AdjustmentView>> ForHouseholdAsync(string household, CancellationToken ct = default) =>
        ReadAsync(new AdjustmentFilter(Household: household), ct);

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
        var rows = await dataSource.QueryRowsAsync<PendingRow>(
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
                where h.community_code = @community
                  and (own.id is null
                       or exists (select 1 from statement_adjustment_application x where x.adjustment_id = a.id and x.statement_id = own.id))
            ) candidates
            where pending <> 0
            order by household_code, id
            """,
            new { community, p = period.OnDayOfMonth(1) },
            ct);
        return rows
            .GroupBy(r => r.HouseholdCode, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<PendingAdjustment>)g.Select(r => r.ToPending()).ToList(), StringComparer.Ordinal);
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

    private static Task<StatementRow?> StatementAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string statementNo, CancellationToken ct) =>
        connection.QueryRowAsync<StatementRow>("select id, household_code from statement where statement_no = @statementNo", new { statementNo }, tx, ct);

    /// <summary>
    /// Adjustments with where each was billed, oldest first: the one with an id, those correcting a
    /// statement, or a household's. Each condition of <paramref name="filter"/> given applies.
    /// </summary>
    private async Task<IReadOnlyList<AdjustmentView>> ReadAsync(AdjustmentFilter filter, CancellationToken ct)
    {
        const string Where = """
            (@id::bigint is null or a.id = @id)
            and (@statementId::bigint is null or a.corrects_statement_id = @statementId)
            and (@household::text is null or a.household_code = @household)
            """;
        var parameters = new { id = filter.Id, statementId = filter.StatementId, household = filter.Household };
        var applications = (await dataSource.QueryRowsAsync<ApplicationRow>(
                $"""
                select x.adjustment_id, t.statement_no, t.period, x.line_no, x.amount
                from statement_adjustment_application x
                join statement_adjustment a on a.id = x.adjustment_id
                join statement t on t.id = x.statement_id
                where {Where} order by t.period
                """,
                parameters,
                ct))
            .ToLookup(x => x.AdjustmentId, x => x.ToApplication());

        var adjustments = await dataSource.QueryRowsAsync<AdjustmentRow>(
            $"""
            select a.id, a.household_code, s.statement_no, s.period, a.amount, a.reason, a.recorded_by, a.recorded_at, a.idempotency_key
            from statement_adjustment a join statement s on s.id = a.corrects_statement_id
            where {Where} order by a.id
            """,
            parameters,
            ct);
        return adjustments.Select(a => a.ToView(applications[a.Id].ToList())).ToList();
    }

    /// <summary>Which adjustments to read; null conditions do not apply.</summary>
    private sealed record AdjustmentFilter(long? Id = null, long? StatementId = null, string? Household = null);

    // Parameter names equal the SQL column names or aliases, in order: Dapper maps them by name.
    private sealed record StatementRow(long Id, string HouseholdCode);

    private sealed record PendingRow(string HouseholdCode, long Id, string StatementNo, string Reason, decimal Amount, decimal Pending)
    {
        public PendingAdjustment ToPending() => new(Id, StatementNo, Reason, new Money(Amount), new Money(Pending));
    }

    private sealed record ApplicationRow(long AdjustmentId, string StatementNo, LocalDate Period, int LineNo, decimal Amount)
    {
        public AdjustmentApplication ToApplication() => new(StatementNo, Period.ToYearMonth(), LineNo, new Money(Amount));
    }

    private sealed record AdjustmentRow(
        long Id, string HouseholdCode, string StatementNo, LocalDate Period, decimal Amount, string Reason, string RecordedBy, Instant RecordedAt, string? IdempotencyKey)
    {
        public AdjustmentView ToView(IReadOnlyList<AdjustmentApplication> applications) =>
            new(Id, HouseholdCode, StatementNo, Period.ToYearMonth(), new Money(Amount), Reason, RecordedBy, RecordedAt, IdempotencyKey, applications);
    }
}
