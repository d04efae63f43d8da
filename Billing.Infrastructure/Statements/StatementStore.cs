using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;

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

        var waiting = new Dictionary<string, (long Id, AccountPosition Account)>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand(
            """
            select s.statement_no, s.id, s.previous_balance, s.payments_since, s.total
            from statement s
            where s.statement_no = any(@numbers) and s.run_id = @run
              and not exists (select 1 from statement_pdf p where p.statement_id = s.id)
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("numbers", batch.Select(s => s.Number).ToArray());
            cmd.Parameters.AddWithValue("run", runId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                waiting[reader.GetString(0)] = (reader.GetInt64(1), new AccountPosition(
                    new Core.Money(reader.GetDecimal(2)), new Core.Money(reader.GetDecimal(3)), new Core.Money(reader.GetDecimal(4))));
            }
        }

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
        await using var cmd = new NpgsqlCommand(
            """
            select h.code,
                   coalesce((select s.amount_due from statement s
                             where s.household_code = h.code and s.period < @p and s.amount_due is not null
                             order by s.period desc limit 1), 0),
                   coalesce((select sum(e.amount) from ledger_entry e where e.household_code = h.code), 0)
            from unnest(@households) as h(code)
            where not exists (select 1 from statement s where s.household_code = h.code and s.period = @p)
            """, connection, tx);
        cmd.Parameters.AddWithValue("households", households);
        cmd.Parameters.AddWithValue("p", period);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new Dictionary<string, (Core.Money, Core.Money)>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = (new Core.Money(reader.GetDecimal(1)), new Core.Money(reader.GetDecimal(2)));
        }

        return result;
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
        await using var cmd = dataSource.CreateCommand(
            "select s.statement_no, p.pdf, p.pdf_sha256 from statement s join statement_pdf p on p.statement_id = s.id where s.household_code = @h and s.period = @p");
        cmd.Parameters.AddWithValue("h", household.Value);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new StoredPdf(reader.GetString(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2))
            : null;
    }

    /// <summary>Per-community totals for a month, straight from the stored statements.</summary>
    public async Task<IReadOnlyList<CommunityMonthTotal>> TotalsAsync(YearMonth period, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            select c.code, c.name, count(s.id), coalesce(sum(s.total), 0)
            from community c join statement s on s.community_code = c.code and s.period = @p
            group by c.code, c.name order by c.code
            """);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<CommunityMonthTotal>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new CommunityMonthTotal(reader.GetString(0), reader.GetString(1), (int)reader.GetInt64(2), reader.GetDecimal(3)));
        }

        return result;
    }

    /// <summary>Writes every stored PDF of the month to out/&lt;period&gt;/&lt;community&gt;/&lt;household&gt;.pdf.</summary>
    public async Task<int> ExportPdfsAsync(YearMonth period, string outputDir, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "select s.community_code, s.household_code, p.pdf from statement s join statement_pdf p on p.statement_id = s.id where s.period = @p order by s.community_code, s.household_code");
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var written = 0;
        while (await reader.ReadAsync(ct))
        {
            var dir = Path.Combine(outputDir, $"{period.Year:D4}-{period.Month:D2}", reader.GetString(0));
            Directory.CreateDirectory(dir);
            await File.WriteAllBytesAsync(Path.Combine(dir, reader.GetString(1) + ".pdf"), reader.GetFieldValue<byte[]>(2), ct);
            written++;
        }

        return written;
    }
}

/// <summary>What issuing a community did, and how long storing and drawing took.</summary>
public sealed record StoreResult(int Stored, int AlreadyIssued, int Rendered, TimeSpan Storing, TimeSpan Rendering);

public sealed record StoredPdf(string StatementNo, byte[] Content, string Sha256);

public sealed record CommunityMonthTotal(string CommunityCode, string CommunityName, int Statements, decimal Total);
