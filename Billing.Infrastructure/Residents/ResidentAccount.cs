using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;

namespace RedProperty.Billing.Infrastructure.Residents;

public sealed record ResidentHousehold(string Code, string CommunityCode, string CommunityName, string OperatorCode, string OperatorName, string Address, string OwnerName);

public sealed record ResidentStatement(string StatementNo, YearMonth Period, LocalDate IssueDate, LocalDate DueDate, Money Total, Money? AmountDue, bool HasPdf);

public sealed record ResidentStatementLine(int LineNo, string Kind, string Label, string Formula, Money Amount);

public sealed record ResidentPayment(long Id, PaymentChannel Channel, string Reference, LocalDate PaidOn, Money Amount, bool Reversed);

/// <summary>What a resident's page reads about their own household, and nothing about anyone else's.</summary>
public sealed class ResidentAccount(NpgsqlDataSource db)
{
    public async Task<ResidentHousehold?> HouseholdAsync(string household, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            """
            select h.code, c.code, c.name, c.operator_code, c.operator_name, v.building, v.unit, v.room, v.owner_name
            from household h join community c on c.code = h.community_code
            join lateral (select * from household_version where household_code = h.code order by effective_from desc limit 1) v on true
            where h.code = @h
            """);
        cmd.Parameters.AddWithValue("h", household);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new ResidentHousehold(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), $"{r.GetString(5)}号楼{r.GetString(6)}单元{r.GetString(7)}室", r.GetString(8))
            : null;
    }

    public async Task<IReadOnlyList<ResidentStatement>> StatementsAsync(string household, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            """
            select s.statement_no, s.period, s.issue_date, s.due_date, s.total, s.amount_due, (p.statement_id is not null)
            from statement s left join statement_pdf p on p.statement_id = s.id
            where s.household_code = @h order by s.period desc
            """);
        cmd.Parameters.AddWithValue("h", household);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new List<ResidentStatement>();
        while (await r.ReadAsync(ct))
        {
            result.Add(new ResidentStatement(r.GetString(0), r.GetFieldValue<LocalDate>(1).ToYearMonth(), r.GetFieldValue<LocalDate>(2), r.GetFieldValue<LocalDate>(3),
                new Money(r.GetDecimal(4)), r.IsDBNull(5) ? null : new Money(r.GetDecimal(5)), r.GetBoolean(6)));
        }

        return result;
    }

    public async Task<IReadOnlyList<ResidentStatementLine>> LinesAsync(string household, YearMonth period, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            """
            select l.line_no, l.kind, l.label, l.formula, l.amount
            from statement s join statement_line l on l.statement_id = s.id
            where s.household_code = @h and s.period = @p order by l.line_no
            """);
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new List<ResidentStatementLine>();
        while (await r.ReadAsync(ct))
        {
            result.Add(new ResidentStatementLine(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetString(3), new Money(r.GetDecimal(4))));
        }

        return result;
    }

    public async Task<IReadOnlyList<ResidentPayment>> PaymentsAsync(string household, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            """
            select p.id, p.channel, p.reference, p.paid_on, p.amount, (r.payment_id is not null)
            from payment p left join payment_reversal r on r.payment_id = p.id
            where p.household_code = @h order by p.paid_on desc, p.id desc
            """);
        cmd.Parameters.AddWithValue("h", household);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var result = new List<ResidentPayment>();
        while (await r.ReadAsync(ct))
        {
            PaymentChannels.TryParse(r.GetString(1), out var channel);
            result.Add(new ResidentPayment(r.GetInt64(0), channel, r.GetString(2), r.GetFieldValue<LocalDate>(3), new Money(r.GetDecimal(4)), r.GetBoolean(5)));
        }

        return result;
    }

    /// <summary>Whether a payment is this household's: receipts are shown only to their own household.</summary>
    public async Task<bool> OwnsPaymentAsync(string household, long paymentId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select 1 from payment where id = @id and household_code = @h");
        cmd.Parameters.AddWithValue("id", paymentId);
        cmd.Parameters.AddWithValue("h", household);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }
}
