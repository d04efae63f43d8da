using System.Security.Cryptography;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>Issued statements, their lines and their PDFs in PostgreSQL.</summary>
public sealed class StatementStore(NpgsqlDataSource dataSource)
{
    /// <summary>Households per transaction: progress is committed this often, and a killed worker loses at most one batch of work.</summary>
    public const int BatchSize = 100;

    /// <summary>
    /// Issues a community's statements for a month, a batch of households per transaction.
    /// Households that already have a statement for the period are skipped (the unique key decides,
    /// so a concurrent or restarted run cannot double-bill); new ones get their account position
    /// from the ledger, are rendered, and are stored with the SHA-256 of their PDF. The run's
    /// progress for the community is updated in the same transaction as the statements it counts.
    /// </summary>
    public async Task<StoreResult> StoreAsync(CommunityBill bill, long runId, StatementPdfRenderer renderer, CancellationToken ct = default)
    {
        var stored = 0;
        var batches = bill.Statements.Chunk(BatchSize).ToList();
        for (var i = 0; i < Math.Max(1, batches.Count); i++)
        {
            stored += await StoreBatchAsync(bill, i < batches.Count ? batches[i] : [], i == 0, runId, renderer, ct);
        }

        return new StoreResult(stored, bill.Statements.Count - stored);
    }

    private async Task<int> StoreBatchAsync(
        CommunityBill bill, IReadOnlyList<StatementModel> batch, bool first, long runId, StatementPdfRenderer renderer, CancellationToken ct)
    {
        var period = bill.Period.OnDayOfMonth(1);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // Serialises two runs of the same community and month, so the second waits, then skips
        // everything instead of rendering PDFs it will throw away.
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, tx))
        {
            lockCmd.Parameters.AddWithValue("key", $"bill:{bill.Community.Code}:{bill.Period}");
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        var accounts = await AccountsAsync(connection, tx, batch.Select(s => s.Household.Code.Value).ToArray(), period, ct);
        var stored = 0;
        foreach (var statement in batch)
        {
            if (!accounts.TryGetValue(statement.Household.Code.Value, out var account))
            {
                continue; // already issued
            }

            var issued = statement with { Account = AccountPosition.From(account.PreviousAmountDue, account.Balance, statement.Total) };
            if (await InsertAsync(connection, tx, issued, runId, renderer.Render(issued), ct))
            {
                stored++;
            }
        }

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

        await using (var progress = new NpgsqlCommand(
            """
            update billing_run_community
            set households_done = least(households_total, (select count(*) from statement where community_code = @c and period = @p)),
                updated_at = now()
            where run_id = @run and community_code = @c
            """, connection, tx))
        {
            progress.Parameters.AddWithValue("run", runId);
            progress.Parameters.AddWithValue("c", bill.Community.Code.Value);
            progress.Parameters.AddWithValue("p", period);
            await progress.ExecuteNonQueryAsync(ct);
        }

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

    private static async Task<bool> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, StatementModel s, long runId, byte[] pdf, CancellationToken ct)
    {
        long id;
        await using (var cmd = new NpgsqlCommand(
            """
            insert into statement (statement_no, household_code, community_code, period, run_id, issue_date, due_date, total,
                previous_balance, payments_since, amount_due, pdf, pdf_sha256)
            values (@no, @household, @community, @period, @run, @issue, @due, @total, @previous, @since, @due_amount, @pdf, @sha)
            on conflict (household_code, period) do nothing
            returning id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("no", s.Number);
            cmd.Parameters.AddWithValue("household", s.Household.Code.Value);
            cmd.Parameters.AddWithValue("community", s.Community.Code.Value);
            cmd.Parameters.AddWithValue("period", s.Period.OnDayOfMonth(1));
            cmd.Parameters.AddWithValue("run", runId);
            cmd.Parameters.AddWithValue("issue", s.IssueDate);
            cmd.Parameters.AddWithValue("due", s.DueDate);
            cmd.Parameters.AddWithValue("total", s.Total.Yuan);
            var account = s.Account ?? AccountPosition.From(Core.Money.Zero, Core.Money.Zero, s.Total);
            cmd.Parameters.AddWithValue("previous", account.PreviousBalance.Yuan);
            cmd.Parameters.AddWithValue("since", account.PaymentsSince.Yuan);
            cmd.Parameters.AddWithValue("due_amount", account.AmountDue.Yuan);
            cmd.Parameters.AddWithValue("pdf", pdf);
            cmd.Parameters.AddWithValue("sha", Convert.ToHexStringLower(SHA256.HashData(pdf)));
            if (await cmd.ExecuteScalarAsync(ct) is not long newId)
            {
                return false;
            }

            id = newId;
        }

        await using (var charge = new NpgsqlCommand(
            """
            insert into ledger_entry (household_code, entry_date, kind, amount, statement_id, description)
            values (@household, @date, 'charge', @amount, @statement, @description)
            """, connection, tx))
        {
            charge.Parameters.AddWithValue("household", s.Household.Code.Value);
            charge.Parameters.AddWithValue("date", s.IssueDate);
            charge.Parameters.AddWithValue("amount", s.Total.Yuan);
            charge.Parameters.AddWithValue("statement", id);
            charge.Parameters.AddWithValue("description", "对账单 " + s.Number);
            await charge.ExecuteNonQueryAsync(ct);
        }

        var lineNo = 0;
        foreach (var line in s.Lines)
        {
            await using var cmd = new NpgsqlCommand(
                """
                insert into statement_line (statement_id, line_no, kind, label, formula, rate_version, amount, rounding,
                    quantity, quantity_unit, rate, rate_unit, days, denominator, segment_from, segment_to, share)
                values (@id, @no, @kind, @label, @formula, @rate_version, @amount, @rounding,
                    @quantity, @quantity_unit, @rate, @rate_unit, @days, @denominator, @from, @to, @share)
                """, connection, tx);
            var columns = LineColumns.Of(line.Basis);
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("no", ++lineNo);
            cmd.Parameters.AddWithValue("kind", line.Kind);
            cmd.Parameters.AddWithValue("label", line.Label);
            cmd.Parameters.AddWithValue("formula", line.Formula);
            cmd.Parameters.AddWithValue("rate_version", line.RateVersion);
            cmd.Parameters.AddWithValue("amount", line.Amount.Yuan);
            cmd.Parameters.AddWithValue("rounding", line.Basis.Rounding.Name);
            cmd.Parameters.AddWithValue("quantity", (object?)columns.Quantity ?? DBNull.Value);
            cmd.Parameters.AddWithValue("quantity_unit", (object?)columns.QuantityUnit ?? DBNull.Value);
            cmd.Parameters.AddWithValue("rate", (object?)columns.Rate ?? DBNull.Value);
            cmd.Parameters.AddWithValue("rate_unit", (object?)columns.RateUnit ?? DBNull.Value);
            cmd.Parameters.AddWithValue("days", (object?)columns.Days ?? DBNull.Value);
            cmd.Parameters.AddWithValue("denominator", (object?)columns.Denominator ?? DBNull.Value);
            cmd.Parameters.AddWithValue("from", columns.From is { } f ? f : DBNull.Value);
            cmd.Parameters.AddWithValue("to", columns.To is { } t ? t : DBNull.Value);
            cmd.Parameters.AddWithValue("share", (object?)columns.Share ?? DBNull.Value);
            await cmd.ExecuteNonQueryAsync(ct);

            if (line.Basis is Core.Subsidies.SubsidyLineBasis subsidy)
            {
                await InsertDistrictLineAsync(connection, tx, s, id, lineNo, subsidy, line.Formula, ct);
            }

            if (line.Kind == Core.Points.PointsCredit.Kind)
            {
                await Points.PointsStore.ApplyCreditAsync(connection, tx, s.Household.Code.Value, id, lineNo, -line.Amount, ct);
            }

            if (line.Basis is Core.Corrections.AdjustmentBasis adjustment)
            {
                await Corrections.AdjustmentStore.ApplyAsync(connection, tx, adjustment.AdjustmentId, id, lineNo, line.Amount, ct);
            }
        }

        return true;
    }

    private static async Task InsertDistrictLineAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, StatementModel s, long statementId, int lineNo,
        Core.Subsidies.SubsidyLineBasis subsidy, string formula, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            insert into district_invoice_line (statement_id, line_no, household_code, community_code, district, period, policy_version,
                standard_amount, district_amount, formula)
            values (@id, @no, @household, @community, @district, @period, @policy, @standard, @district_amount, @formula)
            """, connection, tx);
        cmd.Parameters.AddWithValue("id", statementId);
        cmd.Parameters.AddWithValue("no", lineNo);
        cmd.Parameters.AddWithValue("household", s.Household.Code.Value);
        cmd.Parameters.AddWithValue("community", s.Community.Code.Value);
        cmd.Parameters.AddWithValue("district", s.Community.District);
        cmd.Parameters.AddWithValue("period", s.Period.OnDayOfMonth(1));
        cmd.Parameters.AddWithValue("policy", subsidy.PolicyVersion);
        cmd.Parameters.AddWithValue("standard", subsidy.Standard.Yuan);
        cmd.Parameters.AddWithValue("district_amount", subsidy.DistrictShare.Yuan);
        cmd.Parameters.AddWithValue("formula", formula);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<StoredPdf?> PdfAsync(HouseholdCode household, YearMonth period, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "select statement_no, pdf, pdf_sha256 from statement where household_code = @h and period = @p");
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
            "select community_code, household_code, pdf from statement where period = @p order by community_code, household_code");
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

public sealed record StoreResult(int Stored, int AlreadyIssued);

public sealed record StoredPdf(string StatementNo, byte[] Content, string Sha256);

public sealed record CommunityMonthTotal(string CommunityCode, string CommunityName, int Statements, decimal Total);

/// <summary>The structured inputs of a line's formula as stored beside it, so reports can recompute every amount.</summary>
internal sealed record LineColumns(
    decimal? Quantity, string? QuantityUnit, decimal? Rate, string? RateUnit, int? Days, int? Denominator, LocalDate? From, LocalDate? To, decimal? Share)
{
    public static LineColumns Of(Core.Fees.LineBasis basis) => basis switch
    {
        Core.Fees.ProratedBasis p => new(p.Quantity, p.QuantityUnit, p.Rate, p.RateUnit, p.Days, p.Denominator, p.From, p.To, p.Share),
        Core.Fees.MeteredBasis m => new(m.Quantity, m.Unit, m.Rate, "元/" + m.Unit, null, null, null, null, null),
        Core.Fees.LateFeeBasis l => new(l.Overdue.Yuan, "元", l.DailyRate, "/天", l.DaysLate, null, null, null, null),
        Core.Points.PointsCreditBasis c => new(c.Pending.Yuan, "元", null, null, null, null, null, null, null),
        Core.Subsidies.SubsidyLineBasis d => new(d.Quantity, d.Method == Core.Subsidies.SubsidyBasis.PerArea ? "m²" : "元", d.Rate, null, null, null, null, null, d.Share),
        _ => new(null, null, null, null, null, null, null, null, null),
    };
}
