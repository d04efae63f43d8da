using Dapper;
using Npgsql;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Corrections;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Infrastructure.Corrections;

/// <summary>Where a correction stands.</summary>
public enum CorrectionStatus
{
    /// <summary>Above the threshold and not yet decided: nothing is billed.</summary>
    Pending,

    /// <summary>Below the threshold: in effect since it was made.</summary>
    Direct,

    /// <summary>Approved by a finance manager: in effect since then.</summary>
    Approved,

    /// <summary>Rejected by a finance manager: never billed.</summary>
    Rejected,
}

/// <summary>A correction made in the console, with what became of it and where it was billed.</summary>
public sealed record CorrectionView(
    long Id,
    string Household,
    string StatementNo,
    string CorrectsPeriod,
    Money Amount,
    string Reason,
    Money ApprovalAbove,
    bool NeedsApproval,
    string MadeBy,
    string MadeByName,
    string MadeAt,
    CorrectionStatus Status,
    string? DecidedBy,
    string? DecidedByName,
    string? Note,
    string? DecidedAt,
    long? AdjustmentId,
    string? BilledOn)
{
    public bool InEffect => Status is CorrectionStatus.Direct or CorrectionStatus.Approved;
}

/// <summary>The correction cannot be decided (already decided, needs no approval, or the decider made it); nothing was stored.</summary>
public sealed class CorrectionRefusedException(string message) : Exception(message);

/// <summary>
/// Corrections with four eyes. A clerk makes one against an issued statement of the operator; at
/// or below the operator's threshold it is recorded at once as a statement adjustment (the next
/// statement bills it as a line), above it waits until a finance manager other than its maker
/// approves it (then it is recorded) or rejects it. The request, the decision and the adjustment
/// are written in one transaction; the database refuses a maker deciding their own.
/// </summary>
public sealed class CorrectionStore(NpgsqlDataSource dataSource)
{
    private const string Source = "更正";

    public async Task<CorrectionView> MakeAsync(string operatorCode, string statementNo, Money amount, string? reason, StaffPerson maker, Money approvalAbove, CancellationToken ct = default)
    {
        var errors = StatementAdjustments.Check(Source, amount, reason, maker.Signature).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var statement = await connection.QuerySingleOrDefaultAsync<StatementRow>(new CommandDefinition(
            """
            select s.id as Id, s.household_code as Household
            from statement s join community c on c.code = s.community_code
            where s.statement_no = @statementNo and c.operator_code = @operatorCode
            """, new { statementNo = statementNo.Trim(), operatorCode }, tx, cancellationToken: ct));
        if (statement is null)
        {
            errors.Insert(0, new InputError(Source, null, "statement", "correction.statement.unknown", $"没有已出具的对账单 {statementNo.Trim()}"));
        }

        if (errors.Count > 0)
        {
            throw new InputRejectedException(errors);
        }

        var needsApproval = StatementAdjustments.NeedsApproval(amount, approvalAbove);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            insert into correction_request (operator_code, household_code, corrects_statement_id, amount, reason, approval_above, needs_approval, made_by, made_by_name)
            values (@operatorCode, @household, @statementId, @amount, @reason, @approvalAbove, @needsApproval, @madeBy, @madeByName)
            returning id
            """,
            new
            {
                operatorCode, household = statement!.Household, statementId = statement.Id, amount = amount.Yuan, reason = reason!.Trim(),
                approvalAbove = approvalAbove.Yuan, needsApproval, madeBy = maker.UserName, madeByName = maker.DisplayName,
            }, tx, cancellationToken: ct));
        if (!needsApproval)
        {
            var adjustment = await AdjustAsync(connection, tx, statement.Household, statement.Id, amount, reason.Trim(), maker.Signature, ct);
            await DecideAsync(connection, tx, id, "direct", maker, null, adjustment, ct);
        }

        await tx.CommitAsync(ct);
        return (await ListAsync(operatorCode, id, ct)).Single();
    }

    /// <summary>A finance manager approves (it is recorded as an adjustment) or rejects a correction waiting for approval.</summary>
    public async Task<CorrectionView> DecideAsync(string operatorCode, long id, bool approve, string? note, StaffPerson manager, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var request = await connection.QuerySingleOrDefaultAsync<RequestRow>(new CommandDefinition(
            """
            select r.household_code as Household, r.corrects_statement_id as StatementId, r.amount as Amount, r.reason as Reason,
                   r.needs_approval as NeedsApproval, r.made_by as MadeBy, r.made_by_name as MadeByName
            from correction_request r where r.id = @id and r.operator_code = @operatorCode
            for update
            """, new { id, operatorCode }, tx, cancellationToken: ct))
            ?? throw new CorrectionRefusedException($"没有更正 {id}");

        // Asked after the lock, so a decision another manager committed meanwhile is seen.
        var decided = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from correction_decision where request_id = @id)", new { id }, tx, cancellationToken: ct));
        if (decided || !request.NeedsApproval)
        {
            throw new CorrectionRefusedException(decided ? $"更正 {id} 已处理" : $"更正 {id} 未超过审核金额，无需审核");
        }

        if (request.MadeBy == manager.UserName)
        {
            throw new CorrectionRefusedException($"更正 {id} 由本人制单，须由另一位审核人处理");
        }

        var trimmed = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (trimmed is { Length: > 200 } || (trimmed?.Any(char.IsControl) ?? false))
        {
            throw new InputRejectedException([new InputError(Source, null, "note", "correction.note.invalid", "审核意见最多 200 字，且为一行")]);
        }

        long? adjustment = null;
        if (approve)
        {
            var by = $"{request.MadeByName} ({request.MadeBy})，审核 {manager.Signature}";
            adjustment = await AdjustAsync(connection, tx, request.Household, request.StatementId, new Money(request.Amount), request.Reason, by.Length <= 100 ? by : manager.Signature, ct);
        }

        await DecideAsync(connection, tx, id, approve ? "approved" : "rejected", manager, trimmed, adjustment, ct);
        await tx.CommitAsync(ct);
        return (await ListAsync(operatorCode, id, ct)).Single();
    }

    /// <summary>The operator's corrections, those waiting for approval first, then newest first; or the one with <paramref name="id"/>.</summary>
    public async Task<IReadOnlyList<CorrectionView>> ListAsync(string operatorCode, long? id = null, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<CorrectionRow>(new CommandDefinition(
            """
            select r.id as Id, r.household_code as Household, s.statement_no as StatementNo, to_char(s.period, 'YYYY-MM') as CorrectsPeriod,
                   r.amount as Amount, r.reason as Reason, r.approval_above as ApprovalAbove, r.needs_approval as NeedsApproval,
                   r.made_by as MadeBy, r.made_by_name as MadeByName, to_char(r.made_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as MadeAt,
                   d.decision as Decision, d.decided_by as DecidedBy, d.decided_by_name as DecidedByName, d.note as Note,
                   to_char(d.decided_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as DecidedAt, d.adjustment_id as AdjustmentId,
                   (select string_agg(t.statement_no, '、' order by t.period)
                    from statement_adjustment_application x join statement t on t.id = x.statement_id
                    where x.adjustment_id = d.adjustment_id) as BilledOn
            from correction_request r
            join statement s on s.id = r.corrects_statement_id
            left join correction_decision d on d.request_id = r.id
            where r.operator_code = @operatorCode and (@id::bigint is null or r.id = @id)
            order by (d.request_id is null) desc, r.id desc
            """, new { operatorCode, id }, cancellationToken: ct));
        return rows.Select(r => new CorrectionView(
            r.Id, r.Household, r.StatementNo, r.CorrectsPeriod, new Money(r.Amount), r.Reason, new Money(r.ApprovalAbove), r.NeedsApproval,
            r.MadeBy, r.MadeByName, r.MadeAt,
            r.Decision switch { null => CorrectionStatus.Pending, "direct" => CorrectionStatus.Direct, "approved" => CorrectionStatus.Approved, "rejected" => CorrectionStatus.Rejected, var other => throw new InvalidOperationException($"unknown correction decision '{other}'") },
            r.DecidedBy, r.DecidedByName, r.Note, r.DecidedAt, r.AdjustmentId, r.BilledOn)).ToList();
    }

    private static Task<long> AdjustAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string household, long statementId, Money amount, string reason, string recordedBy, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            insert into statement_adjustment (household_code, corrects_statement_id, amount, reason, recorded_by)
            values (@household, @statementId, @amount, @reason, @recordedBy)
            returning id
            """, new { household, statementId, amount = amount.Yuan, reason, recordedBy }, tx, cancellationToken: ct));

    private static Task DecideAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, string decision, StaffPerson by, string? note, long? adjustment, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            insert into correction_decision (request_id, decision, decided_by, decided_by_name, note, adjustment_id)
            values (@id, @decision, @decidedBy, @decidedByName, @note, @adjustment)
            """, new { id, decision, decidedBy = by.UserName, decidedByName = by.DisplayName, note, adjustment }, tx, cancellationToken: ct));

    // Parameter names equal the SQL column aliases: Dapper maps them by name.
    private sealed record StatementRow(long Id, string Household);

    private sealed record RequestRow(string Household, long StatementId, decimal Amount, string Reason, bool NeedsApproval, string MadeBy, string MadeByName);

    private sealed record CorrectionRow(
        long Id, string Household, string StatementNo, string CorrectsPeriod, decimal Amount, string Reason, decimal ApprovalAbove, bool NeedsApproval,
        string MadeBy, string MadeByName, string MadeAt, string? Decision, string? DecidedBy, string? DecidedByName, string? Note, string? DecidedAt,
        long? AdjustmentId, string? BilledOn);
}
