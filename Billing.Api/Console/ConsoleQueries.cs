using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Infrastructure.Database;

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
    private const string HouseholdColumns =
        "h.code, h.community_code, c.name as community_name, v.building, v.unit, v.room, v.building_area as area, v.owner_name, v.occupant_name, v.phone";

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
        return await db.QueryRowsAsync<HouseholdRow>(
            $"""
            select {HouseholdColumns} {HouseholdFrom}
            where c.operator_code = @o and (
                h.code ilike @prefix or v.owner_name like @contains or v.occupant_name like @contains or v.phone like @contains
                or (@b::text is not null and ltrim(v.building, '0') = ltrim(@b, '0') and (@u::text is null or v.unit = @u) and (@r::text is null or v.room = @r)))
            order by h.code limit @n
            """,
            new
            {
                o = operatorCode,
                prefix = Like(q) + "%",
                contains = "%" + Like(q) + "%",
                b = parts.Length >= 2 ? parts[0] : null,
                u = parts.Length >= 2 ? parts[1] : null,
                r = parts.Length >= 3 ? parts[2] : null,
                n = limit,
            },
            ct);
    }

    /// <summary>The household if it is one of the operator's; null otherwise, whether or not it exists elsewhere.</summary>
    public async Task<HouseholdRow?> HouseholdAsync(string operatorCode, string code, CancellationToken ct) =>
        (await db.QueryRowsAsync<HouseholdRow>($"select {HouseholdColumns} {HouseholdFrom} where c.operator_code = @o and h.code = @h", new { o = operatorCode, h = code }, ct))
        .SingleOrDefault();

    public Task<IReadOnlyList<HouseholdVersionRow>> RegisterHistoryAsync(string household, CancellationToken ct) =>
        db.QueryRowsAsync<HouseholdVersionRow>(
            """
            select effective_from, building, unit, room, building_area as area, owner_name, occupant_name, phone, parking_permits
            from household_version where household_code = @h order by effective_from desc
            """,
            new { h = household },
            ct);

    public async Task<IReadOnlyList<StatementRow>> StatementsAsync(string household, CancellationToken ct) =>
        (await db.QueryRowsAsync<StoredStatementRow>(
            """
            select s.id, s.statement_no, s.period, s.issue_date, s.due_date, s.total, s.amount_due,
                   exists (select 1 from statement_pdf p where p.statement_id = s.id) as has_pdf
            from statement s where s.household_code = @h order by s.period desc
            """,
            new { h = household },
            ct)).Select(r => r.ToRow()).ToList();

    public async Task<IReadOnlyList<LedgerRow>> LedgerAsync(string household, CancellationToken ct) =>
        (await db.QueryRowsAsync<LedgerEntryRow>(
            "select entry_date, kind, amount, description, payment_id from ledger_entry where household_code = @h order by entry_date, id",
            new { h = household },
            ct)).Select(r => r.ToRow()).ToList();

    /// <summary>What the issued statements of a month charged, per community and line kind: the "last month" beside a draft.</summary>
    public async Task<IReadOnlyList<KindTotal>> IssuedTotalsAsync(string operatorCode, YearMonth period, CancellationToken ct) =>
        (await db.QueryRowsAsync<KindTotalRow>(
            """
            select s.community_code, l.kind, sum(l.amount) as amount
            from statement s join statement_line l on l.statement_id = s.id join community c on c.code = s.community_code
            where c.operator_code = @o and s.period = @p
            group by s.community_code, l.kind
            """,
            new { o = operatorCode, p = period.OnDayOfMonth(1) },
            ct)).Select(r => new KindTotal(r.CommunityCode, r.Kind, new Money(r.Amount))).ToList();

    public async Task<IReadOnlyDictionary<string, string>> CommunityNamesAsync(string operatorCode, CancellationToken ct)
    {
        var rows = await db.QueryRowsAsync<CommunityNameRow>("select code, name from community where operator_code = @o order by code", new { o = operatorCode }, ct);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            result[row.Code] = row.Name;
        }

        return result;
    }

    /// <summary>The statement PDFs a run issued in one community, by statement number, for the print shop.</summary>
    public async Task<IReadOnlyList<(string StatementNo, byte[] Pdf)>> RunPdfsAsync(long runId, string community, CancellationToken ct) =>
        (await db.QueryRowsAsync<RunPdfRow>(
            "select s.statement_no, p.pdf from statement s join statement_pdf p on p.statement_id = s.id where s.run_id = @r and s.community_code = @c order by s.statement_no",
            new { r = runId, c = community },
            ct)).Select(r => (r.StatementNo, r.Pdf)).ToList();

    /// <summary>Payments taken at the counter on a day (Shanghai time), for the close-out.</summary>
    public async Task<IReadOnlyList<CloseOutRow>> CounterPaymentsAsync(string operatorCode, LocalDate day, CancellationToken ct)
    {
        var zone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
        return (await db.QueryRowsAsync<CounterPaymentRow>(
            """
            select cp.payment_id, r.receipt_no, cp.taken_at, cp.user_name, cp.display_name, p.channel, p.reference, p.household_code, p.amount
            from counter_payment cp join payment p on p.id = cp.payment_id left join receipt r on r.payment_id = p.id
            where cp.scope = @o and cp.taken_at >= @from and cp.taken_at < @to
              and not exists (select 1 from payment_reversal r where r.payment_id = p.id)
            order by cp.user_name, p.channel, cp.taken_at
            """,
            new { o = operatorCode, from = day.AtStartOfDayInZone(zone).ToInstant(), to = day.PlusDays(1).AtStartOfDayInZone(zone).ToInstant() },
            ct)).Select(r => r.ToRow()).ToList();
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

    public async Task<(string UserName, string DisplayName)?> DrafterAsync(long runId, CancellationToken ct) =>
        await db.QueryRowAsync<DrafterRow>("select user_name, display_name from billing_run_drafter where run_id = @r", new { r = runId }, ct) is { } drafter
            ? (drafter.UserName, drafter.DisplayName)
            : null;

    private static string Like(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private sealed record StoredStatementRow(long Id, string StatementNo, LocalDate Period, LocalDate IssueDate, LocalDate DueDate, decimal Total, decimal? AmountDue, bool HasPdf)
    {
        public StatementRow ToRow() => new(Id, StatementNo, Period.ToYearMonth(), IssueDate, DueDate, new Money(Total), AmountDue is { } due ? new Money(due) : null, HasPdf);
    }

    private sealed record LedgerEntryRow(LocalDate EntryDate, string Kind, decimal Amount, string Description, long? PaymentId)
    {
        public LedgerRow ToRow() => new(EntryDate, Kind, new Money(Amount), Description, PaymentId);
    }

    private sealed record KindTotalRow(string CommunityCode, string Kind, decimal Amount);

    private sealed record CommunityNameRow(string Code, string Name);

    private sealed record RunPdfRow(string StatementNo, byte[] Pdf);

    private sealed record CounterPaymentRow(
        long PaymentId, string? ReceiptNo, Instant TakenAt, string UserName, string DisplayName, string Channel, string Reference, string HouseholdCode, decimal Amount)
    {
        public CloseOutRow ToRow() => new(PaymentId, ReceiptNo, TakenAt, UserName, DisplayName, Channel, Reference, HouseholdCode, new Money(Amount));
    }

    private sealed record DrafterRow(string UserName, string DisplayName);
}
