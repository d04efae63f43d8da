using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;
using NodaTime;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// Writes a batch of issued statements with binary COPY: the statements, their lines, the ledger
/// charges and the district's share of subsidy lines, a handful of round trips per batch instead
/// of several per statement. COPY has no ON CONFLICT, so the caller holds the community's lock and
/// passes only households without a statement; should one slip in anyway, the unique key fails the
/// whole batch and nothing is half-stored.
/// </summary>
internal static class StatementRows
{
    public static async Task CopyAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<StatementModel> statements, long runId, CancellationToken ct)
    {
        await using (var copy = await connection.BeginBinaryImportAsync(
            """
            copy statement (statement_no, household_code, community_code, period, run_id, issue_date, due_date, total,
                previous_balance, payments_since, amount_due) from stdin (format binary)
            """, ct))
        {
            foreach (var s in statements)
            {
                var account = s.Account ?? AccountPosition.From(Core.Money.Zero, Core.Money.Zero, s.Total);
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(s.Number, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(s.Household.Code.Value, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(s.Community.Code.Value, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(s.Period.OnDayOfMonth(1), NpgsqlDbType.Date, ct);
                await copy.WriteAsync(runId, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(s.IssueDate, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(s.DueDate, NpgsqlDbType.Date, ct);
                await copy.WriteAsync(s.Total.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(account.PreviousBalance.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(account.PaymentsSince.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(account.AmountDue.Yuan, NpgsqlDbType.Numeric, ct);
            }

            await copy.CompleteAsync(ct);
        }

        var ids = await IdsAsync(connection, tx, statements, ct);
        await CopyLinesAsync(connection, statements, ids, ct);
        await CopyChargesAsync(connection, statements, ids, ct);
        await CopyDistrictLinesAsync(connection, statements, ids, ct);

        // Rare lines that settle something recorded elsewhere, once each.
        foreach (var (s, id) in statements.Zip(ids))
        {
            foreach (var (line, lineNo) in s.Lines.Select((l, n) => (l, n + 1)))
            {
                if (line.Kind == Core.Points.PointsCredit.Kind)
                {
                    await Points.PointsStore.ApplyCreditAsync(connection, tx, s.Household.Code.Value, id, lineNo, -line.Amount, ct);
                }

                if (line.Basis is Core.Corrections.AdjustmentBasis adjustment)
                {
                    await Corrections.AdjustmentStore.ApplyAsync(connection, tx, adjustment.AdjustmentId, id, lineNo, line.Amount, ct);
                }
            }
        }
    }

    /// <summary>PDFs with their SHA-256, for statements that have none (the caller holds the lock that makes that so).</summary>
    public static async Task CopyPdfsAsync(NpgsqlConnection connection, IReadOnlyList<long> statementIds, IReadOnlyList<byte[]> pdfs, CancellationToken ct)
    {
        if (statementIds.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync("copy statement_pdf (statement_id, pdf, pdf_sha256) from stdin (format binary)", ct);
        for (var i = 0; i < statementIds.Count; i++)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(statementIds[i], NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(pdfs[i], NpgsqlDbType.Bytea, ct);
            await copy.WriteAsync(Convert.ToHexStringLower(SHA256.HashData(pdfs[i])), NpgsqlDbType.Text, ct);
        }

        await copy.CompleteAsync(ct);
    }

    /// <summary>The ids PostgreSQL gave the statements just copied, in the same order.</summary>
    private static async Task<long[]> IdsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<StatementModel> statements, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select statement_no, id from statement where statement_no = any(@numbers)", connection, tx);
        cmd.Parameters.AddWithValue("numbers", statements.Select(s => s.Number).ToArray());
        var byNumber = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                // By position on purpose: the issuing hot path reads the ids of a whole month's statements, two columns of the query just above.
                byNumber[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return [.. statements.Select(s => byNumber[s.Number])];
    }

    private static async Task CopyLinesAsync(NpgsqlConnection connection, IReadOnlyList<StatementModel> statements, long[] ids, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            """
            copy statement_line (statement_id, line_no, kind, label, formula, rate_version, amount, rounding,
                quantity, quantity_unit, rate, rate_unit, days, denominator, segment_from, segment_to, share, inputs) from stdin (format binary)
            """, ct);
        for (var i = 0; i < statements.Count; i++)
        {
            var lineNo = 0;
            foreach (var line in statements[i].Lines)
            {
                var columns = line.Basis.Inputs;
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(++lineNo, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(line.Kind, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(line.Label, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(line.Formula, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(line.RateVersion, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(line.Amount.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(line.Basis.Rounding.Name, NpgsqlDbType.Text, ct);
                await copy.WriteOrNullAsync(columns.Quantity, NpgsqlDbType.Numeric, ct);
                await copy.WriteOrNullAsync(columns.QuantityUnit, NpgsqlDbType.Text, ct);
                await copy.WriteOrNullAsync(columns.Rate, NpgsqlDbType.Numeric, ct);
                await copy.WriteOrNullAsync(columns.RateUnit, NpgsqlDbType.Text, ct);
                await copy.WriteOrNullAsync(columns.Days, NpgsqlDbType.Integer, ct);
                await copy.WriteOrNullAsync(columns.Denominator, NpgsqlDbType.Integer, ct);
                await copy.WriteOrNullAsync(columns.From, NpgsqlDbType.Date, ct);
                await copy.WriteOrNullAsync(columns.To, NpgsqlDbType.Date, ct);
                await copy.WriteOrNullAsync(columns.Share, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(System.Text.Json.JsonSerializer.Serialize(columns.Extra), NpgsqlDbType.Jsonb, ct);
            }
        }

        await copy.CompleteAsync(ct);
    }

    private static async Task CopyChargesAsync(NpgsqlConnection connection, IReadOnlyList<StatementModel> statements, long[] ids, CancellationToken ct)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "copy ledger_entry (household_code, entry_date, kind, amount, statement_id, description) from stdin (format binary)", ct);
        for (var i = 0; i < statements.Count; i++)
        {
            var s = statements[i];
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(s.Household.Code.Value, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(s.IssueDate, NpgsqlDbType.Date, ct);
            await copy.WriteAsync("charge", NpgsqlDbType.Text, ct);
            await copy.WriteAsync(s.Total.Yuan, NpgsqlDbType.Numeric, ct);
            await copy.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync("对账单 " + s.Number, NpgsqlDbType.Text, ct);
        }

        await copy.CompleteAsync(ct);
    }

    /// <summary>The district's share of each subsidy line, which is what district finance is invoiced for.</summary>
    private static async Task CopyDistrictLinesAsync(NpgsqlConnection connection, IReadOnlyList<StatementModel> statements, long[] ids, CancellationToken ct)
    {
        var subsidised = statements
            .Select((s, i) => (Statement: s, Id: ids[i], Lines: s.Lines.Select((l, n) => (Line: l, No: n + 1)).Where(l => l.Line.Basis is Core.Subsidies.SubsidyLineBasis).ToList()))
            .Where(x => x.Lines.Count > 0)
            .ToList();
        if (subsidised.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(
            """
            copy district_invoice_line (statement_id, line_no, fee_line_no, household_code, community_code, district, period, policy_version,
                standard_amount, district_amount, formula) from stdin (format binary)
            """, ct);
        foreach (var (s, id, lines) in subsidised)
        {
            foreach (var (line, no) in lines)
            {
                var subsidy = (Core.Subsidies.SubsidyLineBasis)line.Basis;
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(id, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(no, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(FeeLineNo(s, subsidy), NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(s.Household.Code.Value, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(s.Community.Code.Value, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(s.Community.District, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(s.Period.OnDayOfMonth(1), NpgsqlDbType.Date, ct);
                await copy.WriteAsync(subsidy.PolicyVersion, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(subsidy.Standard.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(subsidy.DistrictShare.Yuan, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(line.Formula, NpgsqlDbType.Text, ct);
            }
        }

        await copy.CompleteAsync(ct);
    }

    /// <summary>The number of the fee line a subsidy line pays part of, as the statement stores it (1-based).</summary>
    private static int FeeLineNo(StatementModel statement, Core.Subsidies.SubsidyLineBasis subsidy)
    {
        for (var i = 0; i < statement.Lines.Count; i++)
        {
            if (subsidy.Fee is not null && statement.Lines[i].Equals(subsidy.Fee))
            {
                return i + 1;
            }
        }

        throw new InvalidOperationException($"Statement {statement.Number} has a subsidy line whose property-fee line is not on it.");
    }
}
