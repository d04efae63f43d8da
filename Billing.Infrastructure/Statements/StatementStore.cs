using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;

using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>Issued statements, their lines and their PDFs in PostgreSQL.</summary>
public sealed class StatementStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Households per transaction when storing: progress is committed this often, and a killed
    /// worker loses at most one batch. Storing is cheap per row and pays a few round trips per
    /// batch, so its batches are larger than drawing's.
    /// </summary>
    public const int BatchSize = 500;

    /// <summary>Statements per transaction when drawing PDFs, which take milliseconds each.</summary>
    public const int RenderBatchSize = 100;

    /// <summary>
    /// Issues a community's statements for a month: first every statement is stored, a batch of
    /// households per transaction, then (with a renderer) their PDFs are drawn and stored beside
    /// them. Households that already have a statement for the period are skipped (the unique key
    /// decides, so a concurrent or restarted run cannot double-bill); new ones get their account
    /// position from the ledger. The run's progress for the community is updated in the same
    /// transaction as the statements or PDFs it counts.
    /// </summary>
    public async Task<StoreResult> StoreAsync(CommunityBill bill, long runId, StatementPdfRenderer? renderer, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stored = 0;
        var batches = bill.Statements.Chunk(BatchSize).ToList();
        for (var i = 0; i < Math.Max(1, batches.Count); i++)
        {
            stored += await StoreBatchAsync(bill, i < batches.Count ? batches[i] : [], i == 0, runId, ct);
        }

        var storing = clock.Elapsed;
        var rendered = renderer is null ? 0 : await RenderAsync(bill, runId, renderer, ct);
        return new StoreResult(stored, bill.Statements.Count - stored, rendered, storing, clock.Elapsed - storing);
    }

    /// <summary>
    /// Draws and stores the PDFs of the statements <paramref name="runId"/> issued for the
    /// community that have none yet. The bill must be the one that run issued (the caller checks its
    /// fingerprint): the PDF shows the bill's lines with the account position stored at issue.
    /// </summary>
    public async Task<int> RenderAsync(CommunityBill bill, long runId, StatementPdfRenderer renderer, CancellationToken ct = default)
    {
        var rendered = 0;
        foreach (var batch in bill.Statements.Chunk(RenderBatchSize))
        {
            rendered += await RenderBatchAsync(bill, batch, runId, renderer, ct);
        }

        return rendered;
    }

    private async Task<int> RenderBatchAsync(CommunityBill bill, StatementModel[] batch, long runId, StatementPdfRenderer renderer, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await LockAsync(connection, tx, $"pdf:{bill.Community.Code}:{bill.Period}", ct);

        var waiting = (await connection.QueryRowsAsync<UndrawnStatementRow>(
                """
                select s.statement_no, s.id, s.previous_balance, s.payments_since, s.total
                from statement s
                where s.statement_no = any(@numbers) and s.run_id = @run
                  and not exists (select 1 from statement_pdf p where p.statement_id = s.id)
                """,
                new { numbers = batch.Select(s => s.Number).ToArray(), run = runId },
                tx,
                ct))
            .ToDictionary(
                r => r.StatementNo,
                r => (r.Id, Account: new AccountPosition(new Core.Money(r.PreviousBalance), new Core.Money(r.PaymentsSince), new Core.Money(r.Total))),
                StringComparer.Ordinal);

        var todo = batch.Where(s => waiting.ContainsKey(s.Number)).Select(s => s with { Account = waiting[s.Number].Account }).ToList();

        // Rendering is most of the work and each statement is independent, so every core draws.
        var pdfs = new byte[todo.Count][];
        Parallel.For(0, todo.Count, new ParallelOptions { CancellationToken = ct }, i => pdfs[i] = renderer.Render(todo[i]));
        await StatementRows.CopyPdfsAsync(connection, todo.Select(s => waiting[s.Number].Id).ToList(), pdfs, ct);

        await ProgressAsync(connection, tx, runId, bill,
            "pdfs_done = (select count(*) from statement s join statement_pdf p on p.statement_id = s.id where s.community_code = @c and s.period = @p and s.run_id = @run)", ct);

        await tx.CommitAsync(ct);
        return todo.Count;
    }

    /// <summary>Counts what is done from what is stored, in the transaction that stored it, so progress is never ahead or behind.</summary>
    private static async Task ProgressAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runId, CommunityBill bill, string assignment, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"update billing_run_community set {assignment}, updated_at = now() where run_id = @run and community_code = @c", connection, tx);
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.AddWithValue("c", bill.Community.Code.Value);
        cmd.Parameters.AddWithValue("p", bill.Period.OnDayOfMonth(1));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, tx);
        cmd.Parameters.AddWithValue("key", key);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<int> StoreBatchAsync(CommunityBill bill, IReadOnlyList<StatementModel> batch, bool first, long runId, CancellationToken ct)
    {
        var period = bill.Period.OnDayOfMonth(1);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // Serialises two runs of the same community and month, so the second waits, then skips
        // everything; it is also what lets the statements be copied in without ON CONFLICT.
        await LockAsync(connection, tx, $"bill:{bill.Community.Code}:{bill.Period}", ct);

        var accounts = await AccountsAsync(connection, tx, batch.Select(s => s.Household.Code.Value).ToArray(), period, ct);
        var issued = batch
            .Where(s => accounts.ContainsKey(s.Household.Code.Value)) // the others are issued already
            .Select(s =>
            {
                var account = accounts[s.Household.Code.Value];
                return s with { Account = AccountPosition.From(account.PreviousAmountDue, account.Balance, s.Total) };
            })
            .ToList();

        if (issued.Count > 0)
        {
            await StatementRows.CopyAsync(connection, tx, issued, runId, ct);
        }

        var stored = issued.Count;

        if (first && bill.Parking is { } pool && bill.ParkingInput is { } input)
        {
            // Stored with the statements it paid for, once: a rerun keeps the first figures, as it keeps the statements.
            await using var cmd = new NpgsqlCommand(
                """
                insert into parking_pool (community_code, period, lease_income, carry_in, used, carry_out, rate_version)
                values (@c, @p, @income, @carry_in, @used, @carry_out, @version)
                on conflict (community_code, period) do nothing
                """, connection, tx);
            cmd.Parameters.AddWithValue("c", bill.Community.Code.Value);
            cmd.Parameters.AddWithValue("p", period);
            cmd.Parameters.AddWithValue("income", input.LeaseIncome.Yuan);
            cmd.Parameters.AddWithValue("carry_in", input.CarryIn.Yuan);
            cmd.Parameters.AddWithValue("used", pool.Used.Yuan);
            cmd.Parameters.AddWithValue("carry_out", pool.CarriedForward.Yuan);
            cmd.Parameters.AddWithValue("version", input.RateVersion);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await ProgressAsync(connection, tx, runId, bill,
            "households_done = least(households_total, (select count(*) from statement where community_code = @c and period = @p))", ct);

        await tx.CommitAsync(ct);
        return stored;
    }

    /// <summary>
    /// For the households of a batch that have no statement for the period yet: the amount due on
    /// their previous statement and their ledger balance now.
    /// </summary>
    private static async Task<Dictionary<string, (Core.Money PreviousAmountDue, Core.Money Balance)>> AccountsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string[] households, LocalDate period, CancellationToken ct)
    {
        var rows = await connection.QueryRowsAsync<OpeningAccountRow>(
            """
            select h.code as household_code,
                   coalesce((select s.amount_due from statement s
                             where s.household_code = h.code and s.period < @p and s.amount_due is not null
                             order by s.period desc limit 1), 0) as previous_amount_due,
                   coalesce((select sum(e.amount) from ledger_entry e where e.household_code = h.code), 0) as balance
            from unnest(@households) as h(code)
            where not exists (select 1 from statement s where s.household_code = h.code and s.period = @p)
            """,
            new { households, p = period },
            tx,
            ct);
        return rows.ToDictionary(r => r.HouseholdCode, r => (new Core.Money(r.PreviousAmountDue), new Core.Money(r.Balance)), StringComparer.Ordinal);
    }

    /// <summary>Whether the household has an issued statement for the month, with or without its PDF yet.</summary>
    public async Task<bool> IsIssuedAsync(HouseholdCode household, YearMonth period, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("select exists (select 1 from statement where household_code = @h and period = @p)");
        cmd.Parameters.AddWithValue("h", household.Value);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<StoredPdf?> PdfAsync(HouseholdCode household, YearMonth period, CancellationToken ct = default)
    {
        return await dataSource.QueryRowAsync<StoredPdf>(
            "select s.statement_no, p.pdf as content, p.pdf_sha256 as sha256 from statement s join statement_pdf p on p.statement_id = s.id where s.household_code = @h and s.period = @p",
            new { h = household.Value, p = period.OnDayOfMonth(1) },
            ct);
    }

    /// <summary>Per-community totals for a month, straight from the stored statements.</summary>
    public async Task<IReadOnlyList<CommunityMonthTotal>> TotalsAsync(YearMonth period, CancellationToken ct = default)
    {
        return await dataSource.QueryRowsAsync<CommunityMonthTotal>(
            """
            select c.code as community_code, c.name as community_name, count(s.id)::int as statements, coalesce(sum(s.total), 0) as total
            from community c join statement s on s.community_code = c.code and s.period = @p
            group by c.code, c.name order by c.code
            """,
            new { p = period.OnDayOfMonth(1) },
            ct);
    }

    /// <summary>Writes every stored PDF of the month to out/&lt;period&gt;/&lt;community&gt;/&lt;household&gt;.pdf.</summary>
    public async Task<int> ExportPdfsAsync(YearMonth period, string outputDir, CancellationToken ct = default)
    {
        // Unbuffered: a city's month of PDFs is gigabytes, written one at a time as they arrive.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var written = 0;
        await foreach (var row in connection.QueryRowsUnbufferedAsync<StoredPdfFile>(
                           "select s.community_code, s.household_code, p.pdf from statement s join statement_pdf p on p.statement_id = s.id where s.period = @p order by s.community_code, s.household_code",
                           new { p = period.OnDayOfMonth(1) },
                           ct))
        {
            var dir = Path.Combine(outputDir, $"{period.Year:D4}-{period.Month:D2}", row.CommunityCode);
            Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(Path.Combine(dir, row.HouseholdCode + ".pdf"), row.Pdf, ct);
            written++;
        }

        return written;
    }
}

/// <summary>What issuing a community did, and how long storing and drawing took.</summary>
public sealed record StoreResult(int Stored, int AlreadyIssued, int Rendered, TimeSpan Storing, TimeSpan Rendering);

public sealed record StoredPdf(string StatementNo, byte[] Content, string Sha256);

public sealed record CommunityMonthTotal(string CommunityCode, string CommunityName, int Statements, decimal Total);

internal sealed record UndrawnStatementRow(string StatementNo, long Id, decimal PreviousBalance, decimal PaymentsSince, decimal Total);

internal sealed record OpeningAccountRow(string HouseholdCode, decimal PreviousAmountDue, decimal Balance);

internal sealed record StoredPdfFile(string CommunityCode, string HouseholdCode, byte[] Pdf);
