using System.Security.Cryptography;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Statements;

namespace RedProperty.Billing.Infrastructure.Parking;

/// <summary>How many invoices a run issued and how many were already there.</summary>
public sealed record InvoiceIssue(int Issued, int Existing);

/// <summary>What an invoice document shows; the PDF is drawn from this alone.</summary>
public sealed record BusinessInvoiceModel(
    string InvoiceNo, long Business, string BusinessName, string CreditCode, string Community, string CommunityName, string OperatorName,
    YearMonth Period, LocalDate IssueDate, LocalDate DueDate, IReadOnlyList<BusinessInvoiceLine> Lines)
{
    /// <summary>The operator's code, which finds its profile (payee account, contact) for the document.</summary>
    public string OperatorCode { get; init; } = string.Empty;

    /// <summary>The lease charges: the sum of the lines, what the residents' pool counts.</summary>
    public Money Total => Money.Sum(Lines.Select(l => l.Amount));

    /// <summary>Earlier overpayment taken off this invoice when it was issued.</summary>
    public IReadOnlyList<BusinessInvoiceCredit> Credits { get; init; } = [];

    /// <summary>What the business is asked to pay: the charges less the credit, never below zero because no more credit is taken than the charges.</summary>
    public Money AmountDue => Total - Money.Sum(Credits.Select(c => c.Amount));
}

/// <summary>A credit line: the surplus of payment <paramref name="Payment"/> taken off this invoice.</summary>
public sealed record BusinessInvoiceCredit(long Payment, Money Amount, string Text);

public sealed record BusinessPaymentInput(PaymentChannel Channel, string Reference, Money Amount, LocalDate PaidOn);

public sealed record BusinessPaymentReversal(string Reason, LocalDate ReversedOn, string RecordedBy);

public sealed record BusinessPayment(long Id, BusinessPaymentInput Payment, string RecordedBy, BusinessPaymentReversal? Reversal = null);

/// <summary>An issued invoice with its payments, its balance and the business's open credit in the community.</summary>
public sealed record StoredBusinessInvoice(long Id, BusinessInvoiceModel Model, string PdfSha256, IReadOnlyList<BusinessPayment> Payments, InvoiceBalance Balance, Money Credit);

public sealed record RecordedBusinessPayment(long Id, bool Duplicate, InvoiceBalance Balance, Money Credit);

/// <summary>Where a business payment was recorded, for the access check before it is touched.</summary>
public sealed record BusinessPaymentPlace(string Community, YearMonth Period, long Business);

public sealed record ReversedBusinessPayment(long PaymentId, bool Duplicate, BusinessPaymentReversal Reversal, InvoiceBalance Balance, Money Credit);

/// <summary>A business payment the invoice's state refuses (reference used for something else, reversed with other details): an HTTP 409.</summary>
public sealed class BusinessPaymentConflictException(string message) : Exception(message);

/// <summary>
/// Monthly invoices to the businesses that lease a community's spaces, stored in PostgreSQL with
/// their PDF and its SHA-256, and the payments recorded against them. Issuing is idempotent (one
/// invoice per business, community and month, a unique key) and all-or-nothing per community.
/// </summary>
public sealed class BusinessInvoiceStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Issues the month's invoices for a community's leases: one per business with income in the
    /// month, priced exactly as the residents' pool counts it. Invoices already issued are kept as
    /// they are. Nothing is issued when the community's operator has no parking prices (then there
    /// is no pool either). Safe to call again and from the monthly run.
    /// </summary>
    public async Task<InvoiceIssue> IssueAsync(string community, YearMonth period, ParkingRateBook book, DateTimeZone zone, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        (string Name, string Operator, string OperatorName) info;
        await using (var cmd = new NpgsqlCommand(
            "select c.name, c.operator_code, o.name from community c join operator o on o.code = c.operator_code where c.code = @c", connection, tx))
        {
            cmd.Parameters.AddWithValue("c", community);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return new InvoiceIssue(0, 0);
            }

            info = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }

        if (book.For(info.Operator, period.OnDayOfMonth(1)) is null)
        {
            return new InvoiceIssue(0, 0);
        }

        await LeaseStore.LockCommunityAsync(connection, tx, community, ct);
        var drafts = BusinessInvoicing.ForCommunity(await LeaseStore.LeasesAsync(connection, tx, community, ct), period, zone);
        var (issued, existing) = (0, 0);
        foreach (var draft in drafts)
        {
            await using (var exists = new NpgsqlCommand(
                "select 1 from business_invoice where business_id = @b and community_code = @c and period = @p", connection, tx))
            {
                exists.Parameters.AddWithValue("b", draft.Business);
                exists.Parameters.AddWithValue("c", community);
                exists.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
                if (await exists.ExecuteScalarAsync(ct) is not null)
                {
                    existing++;
                    continue;
                }
            }

            string name, code;
            await using (var business = new NpgsqlCommand("select name, credit_code from business where id = @b", connection, tx))
            {
                business.Parameters.AddWithValue("b", draft.Business);
                await using var reader = await business.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                (name, code) = (reader.GetString(0), reader.GetString(1));
            }

            // Dated like statements (the first of the next month, due 15 days later), so a rerun draws the same page.
            var model = new BusinessInvoiceModel(
                InvoiceNumber(community, period, draft.Business), draft.Business, name, code, community, info.Name, info.OperatorName,
                period, StatementCalendar.Default.IssueDate(period), StatementCalendar.Default.DueDate(period), draft.Lines) { OperatorCode = info.Operator };

            // Credit left by earlier overpayments is taken off here, in the transaction that creates
            // the invoice: an invoice that already exists was skipped above, so it is taken once.
            var (account, texts) = await AccountAsync(connection, tx, draft.Business, community, ct);
            var applications = account.ApplyTo(0, model.Total);
            model = model with { Credits = applications.Select(a => new BusinessInvoiceCredit(a.Payment, a.Amount, texts[a.Payment])).ToList() };
            var invoiceId = await InsertAsync(connection, tx, model, BusinessInvoiceDocument.Render(model), ct);
            foreach (var a in applications)
            {
                await using var apply = new NpgsqlCommand("insert into business_credit_application (payment_id, invoice_id, amount) values (@p, @i, @a)", connection, tx);
                apply.Parameters.AddWithValue("p", a.Payment);
                apply.Parameters.AddWithValue("i", invoiceId);
                apply.Parameters.AddWithValue("a", a.Amount.Yuan);
                await apply.ExecuteNonQueryAsync(ct);
            }

            issued++;
        }

        await tx.CommitAsync(ct);
        return new InvoiceIssue(issued, existing);
    }

    /// <summary>"PK-HZ-FXY-202610-000001": community, month and business, so the number says whose invoice it is.</summary>
    public static string InvoiceNumber(string community, YearMonth period, long business) => $"PK-{community}-{period.Year:D4}{period.Month:D2}-{business:D6}";

    public async Task<StoredBusinessInvoice?> GetAsync(string community, YearMonth period, long business, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await ReadAsync(connection, null, community, period, business, ct);
    }

    public async Task<(byte[] Pdf, string Sha256, string InvoiceNo)?> PdfAsync(string community, YearMonth period, long business, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("select pdf, pdf_sha256, invoice_no from business_invoice where community_code = @c and period = @p and business_id = @b");
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        cmd.Parameters.AddWithValue("b", business);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetFieldValue<byte[]>(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    /// <summary>A community's issued invoices for a month: number, total and PDF, in business order.</summary>
    public async Task<IReadOnlyList<(string InvoiceNo, Money Total, byte[] Pdf)>> MonthAsync(string community, YearMonth period, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand("select invoice_no, total, pdf from business_invoice where community_code = @c and period = @p order by business_id");
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<(string, Money, byte[])>();
        while (await reader.ReadAsync(ct))
        {
            result.Add((reader.GetString(0), new Money(reader.GetDecimal(1)), reader.GetFieldValue<byte[]>(2)));
        }

        return result;
    }

    /// <summary>
    /// Records a payment against an invoice. The same channel reference for the same invoice, amount
    /// and day is a duplicate and changes nothing; the same reference with other details is refused.
    /// What is paid beyond the invoice's open balance becomes the business's credit in the community.
    /// </summary>
    public async Task<RecordedBusinessPayment?> PayAsync(string community, YearMonth period, long business, BusinessPaymentInput payment, string recordedBy, CancellationToken ct = default)
    {
        if (payment.Amount <= Money.Zero || !payment.Amount.IsWholeFen)
        {
            throw new ArgumentOutOfRangeException(nameof(payment), payment.Amount.Yuan, "A payment is a positive amount in whole fen.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        long invoiceId;
        await using (var lockInvoice = new NpgsqlCommand(
            "select id from business_invoice where community_code = @c and period = @p and business_id = @b for update", connection, tx))
        {
            lockInvoice.Parameters.AddWithValue("c", community);
            lockInvoice.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
            lockInvoice.Parameters.AddWithValue("b", business);
            if (await lockInvoice.ExecuteScalarAsync(ct) is not long id)
            {
                return null;
            }

            invoiceId = id;
        }

        await using (var same = new NpgsqlCommand(
            """
            select p.id, p.invoice_id, p.amount, p.paid_on from business_payment p
            where p.channel = @ch and p.reference = @r
              and p.operator_code = (select c.operator_code from business_invoice i join community c on c.code = i.community_code where i.id = @i)
            """, connection, tx))
        {
            same.Parameters.AddWithValue("i", invoiceId);
            same.Parameters.AddWithValue("ch", payment.Channel.Name());
            same.Parameters.AddWithValue("r", payment.Reference);
            await using var reader = await same.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                var (id, invoice, amount, paidOn) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetFieldValue<LocalDate>(3));
                await reader.DisposeAsync();
                if (invoice != invoiceId || amount != payment.Amount.Yuan || paidOn != payment.PaidOn)
                {
                    throw new BusinessPaymentConflictException(
                        $"{payment.Channel.Name()} reference {payment.Reference} is already recorded for another payment ({amount:0.00} yuan on {paidOn:yyyy-MM-dd})");
                }

                var (known, _) = await AccountAsync(connection, tx, business, community, ct);
                return new RecordedBusinessPayment(id, true, known.BalanceOf(invoiceId), known.Credit);
            }
        }

        long newId;
        await using (var insert = new NpgsqlCommand(
            "insert into business_payment (invoice_id, channel, reference, amount, paid_on, recorded_by) values (@i, @ch, @r, @a, @d, @by) returning id", connection, tx))
        {
            insert.Parameters.AddWithValue("i", invoiceId);
            insert.Parameters.AddWithValue("ch", payment.Channel.Name());
            insert.Parameters.AddWithValue("r", payment.Reference);
            insert.Parameters.AddWithValue("a", payment.Amount.Yuan);
            insert.Parameters.AddWithValue("d", payment.PaidOn);
            insert.Parameters.AddWithValue("by", recordedBy);
            try
            {
                newId = (long)(await insert.ExecuteScalarAsync(ct))!;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The same reference recorded at this very moment by another request for another invoice.
                throw new BusinessPaymentConflictException($"{payment.Channel.Name()} reference {payment.Reference} is already recorded");
            }
        }

        var (account, _) = await AccountAsync(connection, tx, business, community, ct);
        await tx.CommitAsync(ct);
        return new RecordedBusinessPayment(newId, false, account.BalanceOf(invoiceId), account.Credit);
    }

    /// <summary>The invoice a business payment was recorded against, or null when there is no such payment.</summary>
    public async Task<BusinessPaymentPlace?> PlaceAsync(long paymentId, CancellationToken ct = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "select i.community_code, i.period, i.business_id from business_payment p join business_invoice i on i.id = p.invoice_id where p.id = @id");
        cmd.Parameters.AddWithValue("id", paymentId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var month = reader.GetFieldValue<LocalDate>(1);
        return new BusinessPaymentPlace(reader.GetString(0), new YearMonth(month.Year, month.Month), reader.GetInt64(2));
    }

    /// <summary>
    /// Takes a business payment back with a reversal row; the payment stays on record and its
    /// invoice is open again by its amount (less any surplus of it still held as credit). A payment
    /// is reversed once: the same reason and day again changes nothing, other details are refused.
    /// Null when there is no such payment.
    /// </summary>
    public async Task<ReversedBusinessPayment?> ReverseAsync(long paymentId, string reason, LocalDate on, string recordedBy, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("A reversal needs a reason.", nameof(reason));
        }

        reason = reason.Trim();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        (long Invoice, long Business, string Community) place;

        // The invoice row is locked as a payment locks it, so a reversal and a payment on the same invoice see each other.
        await using (var find = new NpgsqlCommand(
            "select i.id, i.business_id, i.community_code from business_payment p join business_invoice i on i.id = p.invoice_id where p.id = @id for update of i",
            connection, tx))
        {
            find.Parameters.AddWithValue("id", paymentId);
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            place = (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2));
        }

        var wanted = new BusinessPaymentReversal(reason, on, recordedBy);
        bool duplicate;
        BusinessPaymentReversal stored;
        await using (var insert = new NpgsqlCommand(
            "insert into business_payment_reversal (payment_id, reason, reversed_on, recorded_by) values (@id, @r, @d, @by) on conflict (payment_id) do nothing",
            connection, tx))
        {
            insert.Parameters.AddWithValue("id", paymentId);
            insert.Parameters.AddWithValue("r", reason);
            insert.Parameters.AddWithValue("d", on);
            insert.Parameters.AddWithValue("by", recordedBy);
            duplicate = await insert.ExecuteNonQueryAsync(ct) == 0;
        }

        if (duplicate)
        {
            await using var existing = new NpgsqlCommand("select reason, reversed_on, recorded_by from business_payment_reversal where payment_id = @id", connection, tx);
            existing.Parameters.AddWithValue("id", paymentId);
            await using var reader = await existing.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            stored = new BusinessPaymentReversal(reader.GetString(0), reader.GetFieldValue<LocalDate>(1), reader.GetString(2));

            // Who sent the repeat does not matter; what the reversal says does.
            if (stored.Reason != wanted.Reason || stored.ReversedOn != wanted.ReversedOn)
            {
                throw new BusinessPaymentConflictException(
                    $"payment {paymentId} is already reversed on {stored.ReversedOn:yyyy-MM-dd} because \"{stored.Reason}\"");
            }
        }
        else
        {
            stored = wanted;
        }

        var (account, _) = await AccountAsync(connection, tx, place.Business, place.Community, ct);
        await tx.CommitAsync(ct);
        return new ReversedBusinessPayment(paymentId, duplicate, stored, account.BalanceOf(place.Invoice), account.Credit);
    }

    /// <summary>The business's credit in a community now: what it overpaid and no invoice has taken yet.</summary>
    public async Task<Money> CreditAsync(long business, string community, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await AccountAsync(connection, null, business, community, ct)).Account.Credit;
    }

    /// <summary>
    /// Everything of a business's invoices in one community that its balances and credit come
    /// from, and for each payment the words a credit line uses to name it.
    /// </summary>
    private static async Task<(BusinessAccount Account, Dictionary<long, string> PaymentTexts)> AccountAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, long business, string community, CancellationToken ct)
    {
        var invoices = new List<CreditInvoice>();
        var payments = new List<CreditPayment>();
        var applications = new List<CreditApplication>();
        var texts = new Dictionary<long, string>();
        await using (var cmd = new NpgsqlCommand(
            """
            select i.id, i.total, i.invoice_no, p.id, p.amount, p.channel, p.reference, r.payment_id is not null
            from business_invoice i
            left join business_payment p on p.invoice_id = i.id
            left join business_payment_reversal r on r.payment_id = p.id
            where i.business_id = @b and i.community_code = @c
            order by i.id, p.id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("b", business);
            cmd.Parameters.AddWithValue("c", community);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var invoice = reader.GetInt64(0);
                if (invoices.Count == 0 || invoices[^1].Id != invoice)
                {
                    invoices.Add(new CreditInvoice(invoice, new Money(reader.GetDecimal(1))));
                }

                if (!reader.IsDBNull(3))
                {
                    var payment = reader.GetInt64(3);
                    payments.Add(new CreditPayment(payment, invoice, new Money(reader.GetDecimal(4)), reader.GetBoolean(7)));
                    texts[payment] = $"多付款转入：账单 {reader.GetString(2)} 的付款（{reader.GetString(5)} {reader.GetString(6)}）";
                }
            }
        }

        await using (var cmd = new NpgsqlCommand(
            """
            select a.payment_id, a.invoice_id, a.amount from business_credit_application a join business_invoice i on i.id = a.invoice_id
            where i.business_id = @b and i.community_code = @c order by a.invoice_id, a.payment_id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("b", business);
            cmd.Parameters.AddWithValue("c", community);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applications.Add(new CreditApplication(reader.GetInt64(0), reader.GetInt64(1), new Money(reader.GetDecimal(2))));
            }
        }

        return (new BusinessAccount(invoices, payments, applications), texts);
    }

    private static async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, BusinessInvoiceModel m, byte[] pdf, CancellationToken ct)
    {
        long id;
        await using (var cmd = new NpgsqlCommand(
            """
            insert into business_invoice (invoice_no, business_id, business_name, credit_code, community_code, period, issue_date, due_date, total, pdf, pdf_sha256)
            values (@no, @b, @name, @code, @c, @p, @issue, @due, @total, @pdf, @sha)
            returning id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("no", m.InvoiceNo);
            cmd.Parameters.AddWithValue("b", m.Business);
            cmd.Parameters.AddWithValue("name", m.BusinessName);
            cmd.Parameters.AddWithValue("code", m.CreditCode);
            cmd.Parameters.AddWithValue("c", m.Community);
            cmd.Parameters.AddWithValue("p", m.Period.OnDayOfMonth(1));
            cmd.Parameters.AddWithValue("issue", m.IssueDate);
            cmd.Parameters.AddWithValue("due", m.DueDate);
            cmd.Parameters.AddWithValue("total", m.Total.Yuan);
            cmd.Parameters.AddWithValue("pdf", pdf);
            cmd.Parameters.AddWithValue("sha", Convert.ToHexStringLower(SHA256.HashData(pdf)));
            id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }

        await InsertLinesAsync(connection, tx, id, m, ct);
        return id;
    }

    private static async Task InsertLinesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, BusinessInvoiceModel m, CancellationToken ct)
    {
        var lineNo = 0;
        foreach (var line in m.Lines)
        {
            await using var cmd = new NpgsqlCommand(
                """
                insert into business_invoice_line (invoice_id, line_no, lease_id, space_number, price_basis, slots, hours, rate, amount, formula, rate_version)
                values (@i, @n, @l, @s, @basis, @slots, @hours, @rate, @amount, @formula, @version)
                """, connection, tx);
            cmd.Parameters.AddWithValue("i", id);
            cmd.Parameters.AddWithValue("n", ++lineNo);
            cmd.Parameters.AddWithValue("l", line.LeaseId);
            cmd.Parameters.AddWithValue("s", line.Space);
            cmd.Parameters.AddWithValue("basis", line.PriceBasis);
            cmd.Parameters.AddWithValue("slots", line.Slots);
            cmd.Parameters.AddWithValue("hours", line.Hours);
            cmd.Parameters.AddWithValue("rate", line.Rate.Yuan);
            cmd.Parameters.AddWithValue("amount", line.Amount.Yuan);
            cmd.Parameters.AddWithValue("formula", line.Formula);
            cmd.Parameters.AddWithValue("version", line.RateVersion);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task<StoredBusinessInvoice?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string community, YearMonth period, long business, CancellationToken ct)
    {
        long id;
        string sha;
        BusinessInvoiceModel head;
        await using (var cmd = new NpgsqlCommand(
            """
            select i.id, i.invoice_no, i.business_name, i.credit_code, c.name, o.name, i.issue_date, i.due_date, i.pdf_sha256
            from business_invoice i join community c on c.code = i.community_code join operator o on o.code = c.operator_code
            where i.community_code = @c and i.period = @p and i.business_id = @b
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("c", community);
            cmd.Parameters.AddWithValue("p", period.OnDayOfMonth(1));
            cmd.Parameters.AddWithValue("b", business);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            id = reader.GetInt64(0);
            sha = reader.GetString(8);
            head = new BusinessInvoiceModel(reader.GetString(1), business, reader.GetString(2), reader.GetString(3), community, reader.GetString(4), reader.GetString(5),
                period, reader.GetFieldValue<LocalDate>(6), reader.GetFieldValue<LocalDate>(7), []);
        }

        var lines = new List<BusinessInvoiceLine>();
        await using (var cmd = new NpgsqlCommand(
            "select lease_id, space_number, price_basis, slots, hours, rate, amount, formula, rate_version from business_invoice_line where invoice_id = @i order by line_no",
            connection, tx))
        {
            cmd.Parameters.AddWithValue("i", id);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lines.Add(new BusinessInvoiceLine(reader.GetInt64(0), reader.GetString(1), reader.GetString(2) == "monthly", reader.GetInt32(3), reader.GetDecimal(4),
                    new Money(reader.GetDecimal(5)), new Money(reader.GetDecimal(6)), reader.GetString(7), reader.GetString(8)));
            }
        }

        var payments = new List<BusinessPayment>();
        await using (var cmd = new NpgsqlCommand(
            """
            select p.id, p.channel, p.reference, p.amount, p.paid_on, p.recorded_by, r.reason, r.reversed_on, r.recorded_by
            from business_payment p left join business_payment_reversal r on r.payment_id = p.id
            where p.invoice_id = @i order by p.paid_on, p.id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("i", id);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var channel = Database.StoredValues.Channel(reader.GetString(1));
                var reversal = reader.IsDBNull(6) ? null : new BusinessPaymentReversal(reader.GetString(6), reader.GetFieldValue<LocalDate>(7), reader.GetString(8));
                payments.Add(new BusinessPayment(reader.GetInt64(0),
                    new BusinessPaymentInput(channel, reader.GetString(2), new Money(reader.GetDecimal(3)), reader.GetFieldValue<LocalDate>(4)), reader.GetString(5), reversal));
            }
        }

        var (account, texts) = await AccountAsync(connection, tx, business, community, ct);
        var credits = account.Applications.Where(a => a.Invoice == id).Select(a => new BusinessInvoiceCredit(a.Payment, a.Amount, texts[a.Payment])).ToList();
        return new StoredBusinessInvoice(id, head with { Lines = lines, Credits = credits }, sha, payments, account.BalanceOf(id), account.Credit);
    }
}
