using Dapper;
using Npgsql;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Staff;

namespace RedProperty.Billing.Infrastructure.Counter;

/// <summary>A payment taken at the counter and its receipt, numbered in the operator's one receipt series.</summary>
public sealed record CounterReceipt(RecordedPayment Payment, IssuedReceipt Receipt);

/// <summary>
/// The counter's payments: the payment, its ledger entry and the cashier who took it are stored in
/// one transaction; the receipt is then issued through the stored-receipt path (one series per
/// operator, stored once with its SHA-256), so a reprint is the first print byte for byte.
/// </summary>
public sealed class CounterPayments(NpgsqlDataSource dataSource, DocumentContext? documents = null)
{
    public async Task<CounterReceipt> TakeAsync(PaymentInput input, StaffPerson cashier, CancellationToken ct = default)
    {
        var recorded = (await new PaymentStore(dataSource).RecordAsync([(input, "收费台", 1)], $"收费台 {cashier.Signature}", cashier, ct))[0];
        var receipt = await ReceiptAsync(recorded.Id, cashier, ct);
        return new CounterReceipt(recorded, receipt!);
    }

    /// <summary>
    /// The payment's receipt as issued. One not yet issued (a payment imported or paid online) is
    /// issued now, in the name of the cashier who took it if it was taken at the counter, else of
    /// the person printing it. Null when there is no such payment.
    /// </summary>
    public async Task<IssuedReceipt?> ReceiptAsync(long paymentId, StaffPerson printedBy, CancellationToken ct = default)
    {
        var store = new ReceiptStore(dataSource, documents);
        if (await store.GetAsync(paymentId, ct) is { } issued)
        {
            return issued;
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var taker = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "select display_name from counter_payment where payment_id = @paymentId", new { paymentId }, cancellationToken: ct));
        return await store.IssueAsync(paymentId, taker ?? printedBy.DisplayName, ct);
    }

    /// <summary>The receipt numbers of the given payments, for lists that link to them.</summary>
    public async Task<IReadOnlyDictionary<long, string>> ReceiptNumbersAsync(IReadOnlyCollection<long> paymentIds, CancellationToken ct = default)
    {
        if (paymentIds.Count == 0)
        {
            return new Dictionary<long, string>();
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<ReceiptNumberRow>(
            new CommandDefinition("select payment_id as PaymentId, receipt_no as ReceiptNo from receipt where payment_id = any(@ids)", new { ids = paymentIds.ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => r.PaymentId, r => r.ReceiptNo);
    }

    /// <summary>Records who took a payment, inside the transaction that records the payment.</summary>
    internal static async Task RecordTakerAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long paymentId, StaffPerson cashier, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into counter_payment (payment_id, user_name, display_name, scope) values (@paymentId, @userName, @displayName, @scope)",
            new { paymentId, userName = cashier.UserName, displayName = cashier.DisplayName, scope = cashier.Scope }, tx, cancellationToken: ct));
    }

    // Parameter names equal the SQL column aliases: Dapper maps them by name.
    private sealed record ReceiptNumberRow(long PaymentId, string ReceiptNo);
}
