using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;

namespace RedProperty.Billing.Api.FinanceConsole;

public sealed record HouseholdRow(string Code, string CommunityCode, string CommunityName, string Building, string Unit, string Room, decimal Area, string OwnerName, string? OccupantName, string? Phone)
{
    public string Address => $"{Building}栋{Unit}单元{Room}室";
}

public sealed record HouseholdVersionRow(LocalDate EffectiveFrom, string Building, string Unit, string Room, decimal Area, string OwnerName, string? OccupantName, string? Phone, int ParkingPermits);

public sealed record StatementRow(long Id, string StatementNo, YearMonth Period, LocalDate IssueDate, LocalDate DueDate, Money Total, Money? AmountDue, bool HasPdf);

public sealed record LedgerRow(LocalDate Date, string Kind, Money Amount, string Description, long? PaymentId);

public sealed record CloseOutRow(long PaymentId, string? ReceiptNo, Instant TakenAt, string UserName, string DisplayName, string Channel, string Reference, string Household, Money Amount);

public sealed record KindTotal(string Community, string Kind, Money Amount);

/// <summary>
/// The reads the console's pages need that no store offers yet. Every query takes the signed-in
/// person's operator and finds nothing outside it, so another operator's household is "not found".
/// </summary>
public sealed class ConsoleQueries(NpgsqlDataSource db)
{
    private const string HouseholdColumns = "h.code, h.community_code, c.name, v.building, v.unit, v.room, v.building_area, v.owner_name, v.occupant_name, v.phone";

    // The register keeps every version of a household; the console shows the latest one.
    private const string HouseholdFrom =
        """
        from household h join community c on c.code = h.community_code
        join lateral (select * from household_version v where v.household_code = h.code order by effective_from desc limit 1) v on true
        """;

    /// <summary>By household code, owner or occupant name, phone, or building-unit-room ("3-2-501", "3栋2单元501").</summary>
    public async Task<IReadOnlyList<HouseholdRow>> SearchHouseholdsAsync(string operatorCode, string query, int limit, CancellationToken ct)
    {
        var q = query.Trim();
        var parts = q.Replace("号楼", "-", StringComparison.Ordinal).Replace("栋", "-", StringComparison.Ordinal).Replace("单元", "-", StringComparison.Ordinal)
            .Replace("室", string.Empty, StringComparison.Ordinal).Split(['-', ' ', '/'], StringSplitOptions.RemoveEmptyEntries);
        await using var cmd = db.CreateCommand(
            $"""
            select {HouseholdColumns} {HouseholdFrom}
            where c.operator_code = @o and (
                h.code ilike @prefix or v.owner_name like @contains or v.occupant_name like @contains or v.phone like @contains
                or (@b::text is not null and ltrim(v.building, '0') = ltrim(@b, '0') and (@u::text is null or v.unit = @u) and (@r::text is null or v.room = @r)))
            order by h.code limit @n
            """);
        cmd.Parameters.AddWithValue("o", operatorCode);
        cmd.Parameters.AddWithValue("prefix", Like(q) + "%");
        cmd.Parameters.AddWithValue("contains", "%" + Like(q) + "%");
        cmd.Parameters.Add(new NpgsqlParameter("b", NpgsqlTypes.NpgsqlDbType.Text) { Value = parts.Length >= 2 ? parts[0] : DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("u", NpgsqlTypes.NpgsqlDbType.Text) { Value = parts.Length >= 2 ? parts[1] : DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("r", NpgsqlTypes.NpgsqlDbType.Text) { Value = parts.Length >= 3 ? parts[2] : DBNull.Value });
        cmd.Parameters.AddWithValue("n", limit);
        return await ReadHouseholdsAsync(cmd, ct);
    }

    /// <summary>The household if it is one of the operator's; null otherwise, whether or not it exists elsewhere.</summary>
    public async Task<HouseholdRow?> HouseholdAsync(string operatorCode, string code, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {HouseholdColumns} {HouseholdFrom} where c.operator_code = @o and h.code = @h");
        cmd.Parameters.AddWithValue("o", operatorCode);
        cmd.Parameters.AddWithValue("h", code);
        return (await ReadHouseholdsAsync(cmd, ct)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<HouseholdVersionRow>> RegisterHistoryAsync(string household, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select effective_from, building, unit, room, building_area, owner_name, occupant_name, phone, parking_permits from household_version where household_code = @h order by effective_from desc");
        cmd.Parameters.AddWithValue("h", household);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<HouseholdVersionRow>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new HouseholdVersionRow(
                reader.GetFieldValue<LocalDate>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetDecimal(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7), reader.GetInt32(8)));
        }

        return result;
    }

    public async Task<IReadOnlyList<StatementRow>> StatementsAsync(string household, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            select s.id, s.statement_no, s.period, s.issue_date, s.due_date, s.total, s.amount_due, exists (select 1 from statement_pdf p where p.statement_id = s.id)
            from statement s where s.household_code = @h order by s.period desc
            """);
        cmd.Parameters.AddWithValue("h", household);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<StatementRow>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new StatementRow(
                reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<LocalDate>(2).ToYearMonth(), reader.GetFieldValue<LocalDate>(3), reader.GetFieldValue<LocalDate>(4),
                new Money(reader.GetDecimal(5)), reader.IsDBNull(6) ? null : new Money(reader.GetDecimal(6)), reader.GetBoolean(7)));
        }

        return result;
    }

    public async Task<IReadOnlyList<LedgerRow>> LedgerAsync(string household, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select entry_date, kind, amount, description, payment_id from ledger_entry where household_code = @h order by entry_date, id");
        cmd.Parameters.AddWithValue("h", household);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<LedgerRow>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new LedgerRow(reader.GetFieldValue<LocalDate>(0), reader.GetString(1), new Money(reader.GetDecimal(2)), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetInt64(4)));
        }

        return result;
    }

    /// <summary>What the issued statements of a month charged, per community and line kind: the "last month" beside a draft.</summary>
    public async Task<IReadOnlyList<KindTotal>> IssuedTotalsAsync(string operatorCode, YearMonth period, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            select s.community_code, l.kind, sum(l.amount)
            from statement s join statement_line l on l.statement_id = s.id join community c on c.code = s.community_code
            where c.operator_code = @o and s.period = @p
            group by s.community_code, l.kind
            """);
        cmd.Parameters.AddWithValue("o", operatorCode);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<KindTotal>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new KindTotal(reader.GetString(0), reader.GetString(1), new Money(reader.GetDecimal(2))));
        }

        return result;
    }

    public async Task<IReadOnlyDictionary<string, string>> CommunityNamesAsync(string operatorCode, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select code, name from community where operator_code = @o order by code");
        cmd.Parameters.AddWithValue("o", operatorCode);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }

    /// <summary>The statement PDFs a run issued in one community, by statement number, for the print shop.</summary>
    public async Task<IReadOnlyList<(string StatementNo, byte[] Pdf)>> RunPdfsAsync(long runId, string community, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select s.statement_no, p.pdf from statement s join statement_pdf p on p.statement_id = s.id where s.run_id = @r and s.community_code = @c order by s.statement_no");
        cmd.Parameters.AddWithValue("r", runId);
        cmd.Parameters.AddWithValue("c", community);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string, byte[])>();
        while (await reader.ReadAsync(ct))
        {
            result.Add((reader.GetString(0), reader.GetFieldValue<byte[]>(1)));
        }

        return result;
    }

    /// <summary>Payments taken at the counter on a day (Shanghai time), for the close-out.</summary>
    public async Task<IReadOnlyList<CloseOutRow>> CounterPaymentsAsync(string operatorCode, LocalDate day, CancellationToken ct)
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        await using var cmd = db.CreateCommand(
            """
            select cp.payment_id, cp.taken_at, cp.user_name, cp.display_name, p.channel, p.reference, p.household_code, p.amount, r.receipt_no
            from counter_payment cp join payment p on p.id = cp.payment_id left join receipt r on r.payment_id = p.id
            where cp.scope = @o and cp.taken_at >= @from and cp.taken_at < @to
              and not exists (select 1 from payment_reversal r where r.payment_id = p.id)
            order by cp.user_name, p.channel, cp.taken_at
            """);
        cmd.Parameters.AddWithValue("o", operatorCode);
        cmd.Parameters.AddWithValue("from", day.AtStartOfDayInZone(zone).ToInstant());
        cmd.Parameters.AddWithValue("to", day.PlusDays(1).AtStartOfDayInZone(zone).ToInstant());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<CloseOutRow>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new CloseOutRow(reader.GetInt64(0), reader.IsDBNull(8) ? null : reader.GetString(8), reader.GetFieldValue<Instant>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), new Money(reader.GetDecimal(7))));
        }

        return result;
    }

    /// <summary>The operator a payment's household belongs to, for scope checks on receipts.</summary>
    public async Task<string?> PaymentOperatorAsync(long paymentId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select c.operator_code from payment p join household h on h.code = p.household_code join community c on c.code = h.community_code where p.id = @p");
        cmd.Parameters.AddWithValue("p", paymentId);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Records who drafted a run, for the four-eyes rule.</summary>
    public async Task RecordDrafterAsync(long runId, Infrastructure.Staff.StaffPerson drafter, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("insert into billing_run_drafter (run_id, user_name, display_name) values (@r, @u, @d) on conflict do nothing");
        cmd.Parameters.AddWithValue("r", runId);
        cmd.Parameters.AddWithValue("u", drafter.UserName);
        cmd.Parameters.AddWithValue("d", drafter.DisplayName);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<(string UserName, string DisplayName)?> DrafterAsync(long runId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select user_name, display_name from billing_run_drafter where run_id = @r");
        cmd.Parameters.AddWithValue("r", runId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    private static string Like(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static async Task<IReadOnlyList<HouseholdRow>> ReadHouseholdsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<HouseholdRow>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new HouseholdRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetDecimal(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return result;
    }
}
