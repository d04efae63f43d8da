using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Residents;

public sealed record ResidentHousehold(string Code, string CommunityCode, string CommunityName, string OperatorCode, string OperatorName, string Address, string OwnerName);

public sealed record ResidentStatement(string StatementNo, YearMonth Period, LocalDate IssueDate, LocalDate DueDate, Money Total, Money? AmountDue, bool HasPdf);

public sealed record ResidentStatementLine(int LineNo, string Kind, string Label, string Formula, Money Amount);

public sealed record ResidentPayment(long Id, PaymentChannel Channel, string Reference, LocalDate PaidOn, Money Amount, bool Reversed);

/// <summary>What a resident's page reads about their own household, and nothing about anyone else's.</summary>
public sealed class ResidentAccount(NpgsqlDataSource db)
{
    public async Task<ResidentHousehold?> HouseholdAsync(string household, CancellationToken ct = default) =>
        (await db.QueryRowAsync<HouseholdRow>(
            """
            select h.code, c.code as community_code, c.name as community_name, c.operator_code, c.operator_name, v.building, v.unit, v.room, v.owner_name
            from household h join community c on c.code = h.community_code
            join lateral (select * from household_version where household_code = h.code order by effective_from desc limit 1) v on true
            where h.code = @h
            """,
            new { h = household },
            ct))?.ToHousehold();

    public async Task<IReadOnlyList<ResidentStatement>> StatementsAsync(string household, CancellationToken ct = default) =>
        (await db.QueryRowsAsync<StatementRow>(
            """
            select s.statement_no, s.period, s.issue_date, s.due_date, s.total, s.amount_due, (p.statement_id is not null) as has_pdf
            from statement s left join statement_pdf p on p.statement_id = s.id
            where s.household_code = @h order by s.period desc
            """,
            new { h = household },
            ct)).Select(r => r.ToStatement()).ToList();

    public async Task<IReadOnlyList<ResidentStatementLine>> LinesAsync(string household, YearMonth period, CancellationToken ct = default) =>
        (await db.QueryRowsAsync<StatementLineRow>(
            """
            select l.line_no, l.kind, l.label, l.formula, l.amount
            from statement s join statement_line l on l.statement_id = s.id
            where s.household_code = @h and s.period = @p order by l.line_no
            """,
            new { h = household, p = period.OnDayOfMonth(1) },
            ct)).Select(r => new ResidentStatementLine(r.LineNo, r.Kind, r.Label, r.Formula, new Money(r.Amount))).ToList();

    /// <summary>The household's payments, newest first; a channel this version does not know is an error, not shown as another.</summary>
    public async Task<IReadOnlyList<ResidentPayment>> PaymentsAsync(string household, CancellationToken ct = default) =>
        (await db.QueryRowsAsync<PaymentRow>(
            """
            select p.id, p.channel, p.reference, p.paid_on, p.amount, (r.payment_id is not null) as reversed
            from payment p left join payment_reversal r on r.payment_id = p.id
            where p.household_code = @h order by p.paid_on desc, p.id desc
            """,
            new { h = household },
            ct)).Select(r => r.ToPayment()).ToList();

    /// <summary>Whether a payment is this household's: receipts are shown only to their own household.</summary>
    public async Task<bool> OwnsPaymentAsync(string household, long paymentId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select 1 from payment where id = @id and household_code = @h");
        cmd.Parameters.AddWithValue("id", paymentId);
        cmd.Parameters.AddWithValue("h", household);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }

    // Rows as PostgreSQL returns them, mapped by column name; each converts itself to the domain's types.
    private sealed record HouseholdRow(
        string Code, string CommunityCode, string CommunityName, string OperatorCode, string OperatorName, string Building, string Unit, string Room, string OwnerName)
    {
        public ResidentHousehold ToHousehold() => new(Code, CommunityCode, CommunityName, OperatorCode, OperatorName, $"{Building}号楼{Unit}单元{Room}室", OwnerName);
    }

    private sealed record StatementRow(string StatementNo, LocalDate Period, LocalDate IssueDate, LocalDate DueDate, decimal Total, decimal? AmountDue, bool HasPdf)
    {
        public ResidentStatement ToStatement() =>
            new(StatementNo, Period.ToYearMonth(), IssueDate, DueDate, new Money(Total), AmountDue is { } due ? new Money(due) : null, HasPdf);
    }

    private sealed record StatementLineRow(int LineNo, string Kind, string Label, string Formula, decimal Amount);

    private sealed record PaymentRow(long Id, string Channel, string Reference, LocalDate PaidOn, decimal Amount, bool Reversed)
    {
        public ResidentPayment ToPayment() =>
            new(Id, StoredValues.Channel(Channel, "payment.channel"), Reference, PaidOn, new Money(Amount), Reversed);
    }
}
