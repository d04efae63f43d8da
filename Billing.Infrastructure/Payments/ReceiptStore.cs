using System.Security.Cryptography;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Documents;

namespace RedProperty.Billing.Infrastructure.Payments;

/// <summary>A receipt as issued: its number in the operator's series, who issued it, and its bytes.</summary>
public sealed record IssuedReceipt(long PaymentId, string ReceiptNo, string Cashier, byte[] Pdf, string Sha256);

/// <summary>A reversal notice (冲正通知) as issued for a reversed payment.</summary>
public sealed record IssuedReversalNotice(long PaymentId, string? ReceiptNo, byte[] Pdf, string Sha256);

/// <summary>
/// Issues each payment's receipt once: numbered in the operator's series, drawn as the ledger
/// stood on the payment's date, stored with its SHA-256 and returned byte for byte ever after.
/// </summary>
public sealed class ReceiptStore(NpgsqlDataSource dataSource, DocumentContext? context = null)
{
    private readonly DocumentContext documents = context ?? DocumentContext.Default;

    /// <summary>The stored receipt, issuing it first (numbered, by <paramref name="cashier"/>) if the payment has none yet; null when there is no such payment.</summary>
    public async Task<IssuedReceipt?> IssueAsync(long paymentId, string cashier, CancellationToken ct = default)
    {
        if (await GetAsync(paymentId, ct) is { } existing)
        {
            return existing;
        }

        var model = await new PaymentStore(dataSource).ReceiptAsync(paymentId, ct);
        if (model is null)
        {
            return null;
        }

        var lines = ReceiptLines.Split(model.Settled, await BilledLinesAsync(model.Payment.Household, model.Settled.Select(s => s.Period), ct));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('receipt'), hashtext(@id::text))", connection, tx))
        {
            lockCmd.Parameters.AddWithValue("id", paymentId);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        // Another request may have issued it while this one waited for the lock.
        if (await ReadAsync(connection, tx, paymentId, ct) is { } raced)
        {
            return raced;
        }

        var profile = documents.Profile(model.OperatorCode);
        string receiptNo;
        await using (var next = new NpgsqlCommand(
            """
            insert into receipt_series (operator_code, last_no) values (@op, 1)
            on conflict (operator_code) do update set last_no = receipt_series.last_no + 1
            returning last_no
            """, connection, tx))
        {
            next.Parameters.AddWithValue("op", model.OperatorCode);
            var number = (long)(await next.ExecuteScalarAsync(ct))!;
            receiptNo = $"{profile?.ReceiptPrefix ?? model.OperatorCode + "-SJ"}-{number:D8}";
        }

        var pdf = PaymentDocuments.Receipt(model, new ReceiptIssue(receiptNo, cashier.Trim(), lines), documents);
        var sha = Convert.ToHexStringLower(SHA256.HashData(pdf));
        await using (var insert = new NpgsqlCommand(
            """
            insert into receipt (payment_id, operator_code, receipt_no, cashier, pdf, pdf_sha256)
            values (@id, @op, @no, @cashier, @pdf, @sha)
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("id", paymentId);
            insert.Parameters.AddWithValue("op", model.OperatorCode);
            insert.Parameters.AddWithValue("no", receiptNo);
            insert.Parameters.AddWithValue("cashier", cashier.Trim());
            insert.Parameters.AddWithValue("pdf", pdf);
            insert.Parameters.AddWithValue("sha", sha);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new IssuedReceipt(paymentId, receiptNo, cashier.Trim(), pdf, sha);
    }

    public async Task<IssuedReceipt?> GetAsync(long paymentId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadAsync(connection, null, paymentId, ct);
    }

    /// <summary>
    /// The notice for a reversed payment, issued once; null when the payment was not reversed.
    /// It names the receipt it cancels; the receipt itself is never touched.
    /// </summary>
    public async Task<IssuedReversalNotice?> ReversalNoticeAsync(long paymentId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await connection.QueryRowAsync<NoticeRow>(
                "select receipt_no, pdf, pdf_sha256 from reversal_notice where payment_id = @paymentId", new { paymentId }, null, ct) is { } stored)
        {
            return new IssuedReversalNotice(paymentId, stored.ReceiptNo, stored.Pdf, stored.PdfSha256);
        }

        var model = await new PaymentStore(dataSource).ReceiptAsync(paymentId, ct);
        if (model is null || !model.Reversed)
        {
            return null;
        }

        var (reason, on) = (await connection.QueryRowAsync<ReversalRow>(
            "select reason, reversed_on from payment_reversal where payment_id = @paymentId", new { paymentId }, null, ct))!;

        var receiptNo = (await GetAsync(paymentId, ct))?.ReceiptNo;
        var pdf = PaymentDocuments.ReversalNotice(model, receiptNo, reason, on, documents);
        var sha = Convert.ToHexStringLower(SHA256.HashData(pdf));
        await using (var insert = new NpgsqlCommand(
            "insert into reversal_notice (payment_id, receipt_no, pdf, pdf_sha256) values (@id, @no, @pdf, @sha) on conflict (payment_id) do nothing", connection))
        {
            insert.Parameters.AddWithValue("id", paymentId);
            insert.Parameters.AddWithValue("no", (object?)receiptNo ?? DBNull.Value);
            insert.Parameters.AddWithValue("pdf", pdf);
            insert.Parameters.AddWithValue("sha", sha);
            if (await insert.ExecuteNonQueryAsync(ct) == 0)
            {
                return await ReversalNoticeAsync(paymentId, ct);
            }
        }

        return new IssuedReversalNotice(paymentId, receiptNo, pdf, sha);
    }

    /// <summary>The lines of the household's statements for the given months, for splitting a payment by fee.</summary>
    private async Task<Func<YearMonth, IReadOnlyList<BilledLine>>> BilledLinesAsync(string household, IEnumerable<YearMonth> periods, CancellationToken ct)
    {
        var months = periods.Distinct().Select(p => p.OnDayOfMonth(1)).ToArray();
        var byPeriod = new Dictionary<YearMonth, List<BilledLine>>();
        if (months.Length > 0)
        {
            var lines = await dataSource.QueryRowsAsync<StatementLineRow>(
                """
                select s.period, l.kind, l.label, l.amount
                from statement s join statement_line l on l.statement_id = s.id
                where s.household_code = @household and s.period = any(@months)
                order by s.period, l.line_no
                """,
                new { household, months },
                ct);
            foreach (var line in lines)
            {
                var period = line.Period.ToYearMonth();
                if (!byPeriod.TryGetValue(period, out var list))
                {
                    byPeriod[period] = list = [];
                }

                list.Add(new BilledLine(line.Kind, line.Label, new Money(line.Amount)));
            }
        }

        return p => byPeriod.TryGetValue(p, out var l) ? l : [];
    }

    private static async Task<IssuedReceipt?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long paymentId, CancellationToken ct)
    {
        var row = await connection.QueryRowAsync<ReceiptRow>("select receipt_no, cashier, pdf, pdf_sha256 from receipt where payment_id = @paymentId", new { paymentId }, tx, ct);
        return row is null ? null : new IssuedReceipt(paymentId, row.ReceiptNo, row.Cashier, row.Pdf, row.PdfSha256);
    }

    // Parameter names equal the SQL column names, in order: Dapper maps them by name.
    private sealed record ReceiptRow(string ReceiptNo, string Cashier, byte[] Pdf, string PdfSha256);

    private sealed record NoticeRow(string? ReceiptNo, byte[] Pdf, string PdfSha256);

    private sealed record ReversalRow(string Reason, LocalDate ReversedOn);

    private sealed record StatementLineRow(LocalDate Period, string Kind, string Label, decimal Amount);
}

/// <summary>What issuing adds to a receipt: its number, who took the money, and the split by fee and month.</summary>
public sealed record ReceiptIssue(string ReceiptNo, string Cashier, IReadOnlyList<ReceiptLine> Lines);

/// <summary>Whom reminder notices are from: the community and its operator.</summary>
public sealed record ReminderCommunity(string Code, string Name, string OperatorCode, string OperatorName)
{
    public static ReminderCommunity Of(Core.Register.Community c) => new(c.Code.Value, c.Name, c.OperatorCode, c.OperatorName);
}

/// <summary>Which statements hold only the property service fee, for the wording of reminders.</summary>
public static class StatementFeeKinds
{
    public static async Task<IReadOnlyDictionary<(string Household, YearMonth Period), bool>> OnlyPropertyFeeAsync(NpgsqlDataSource dataSource, string community, CancellationToken ct = default)
    {
        var statements = await dataSource.QueryRowsAsync<StatementKindsRow>(
            """
            select s.household_code, s.period, array_agg(l.kind) as kinds, array_agg(l.label) as labels
            from statement s join statement_line l on l.statement_id = s.id
            where s.community_code = @community
            group by s.household_code, s.period
            """,
            new { community },
            ct);
        var result = new Dictionary<(string, YearMonth), bool>();
        foreach (var statement in statements)
        {
            result[(statement.HouseholdCode, statement.Period.ToYearMonth())] =
                ReceiptLines.OnlyPropertyFee(statement.Kinds.Zip(statement.Labels).Select(x => new BilledLine(x.First, x.Second, Money.Zero)));
        }

        return result;
    }

    // Parameter names equal the SQL column names or aliases, in order: Dapper maps them by name.
    private sealed record StatementKindsRow(string HouseholdCode, LocalDate Period, string[] Kinds, string[] Labels);
}
