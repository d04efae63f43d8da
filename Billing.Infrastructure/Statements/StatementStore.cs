using System.Security.Cryptography;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>Issued statements, their lines and their PDFs in PostgreSQL.</summary>
public sealed class StatementStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Stores a community's statements for a month in one transaction. Households that already have
    /// a statement for the period are skipped (the unique key decides, so a concurrent run cannot
    /// double-bill); new ones are rendered and stored with the SHA-256 of their PDF.
    /// </summary>
    public async Task<StoreResult> StoreAsync(CommunityBill bill, long runId, StatementPdfRenderer renderer, CancellationToken ct = default)
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

        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("select household_code from statement where community_code = @c and period = @p", connection, tx))
        {
            cmd.Parameters.AddWithValue("c", bill.Community.Code.Value);
            cmd.Parameters.AddWithValue("p", period);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                existing.Add(reader.GetString(0));
            }
        }

        var stored = 0;
        foreach (var statement in bill.Statements.Where(s => !existing.Contains(s.Household.Code.Value)))
        {
            var pdf = renderer.Render(statement);
            if (await InsertAsync(connection, tx, statement, runId, pdf, ct))
            {
                stored++;
            }
        }

        if (bill.Parking is { } pool && bill.ParkingInput is { } input)
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

        await tx.CommitAsync(ct);
        return new StoreResult(stored, bill.Statements.Count - stored);
    }

    private static async Task<bool> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, StatementModel s, long runId, byte[] pdf, CancellationToken ct)
    {
        long id;
        await using (var cmd = new NpgsqlCommand(
            """
            insert into statement (statement_no, household_code, community_code, period, run_id, issue_date, due_date, total, pdf, pdf_sha256)
            values (@no, @household, @community, @period, @run, @issue, @due, @total, @pdf, @sha)
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
