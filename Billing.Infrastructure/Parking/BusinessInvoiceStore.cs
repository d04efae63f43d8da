using System.Security.Cryptography;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Database;

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
        var info = await connection.QueryRowAsync<CommunityRow>(
            "select c.name, c.operator_code, o.name as operator_name from community c join operator o on o.code = c.operator_code where c.code = @community",
            new { community },
            tx,
            ct);
        if (info is null || book.For(info.OperatorCode, period.OnDayOfMonth(1)) is null)
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

            var business = await connection.QueryRowAsync<BusinessRow>("select name, credit_code from business where id = @id", new { id = draft.Business }, tx, ct)
                ?? throw new InvalidOperationException($"Business {draft.Business} of a lease in {community} is not in the database.");

            // Dated like statements (the first of the next month, due 15 days later), so a rerun draws the same page.
            var model = new BusinessInvoiceModel(
                InvoiceNumber(community, period, draft.Business), draft.Business, business.Name, business.CreditCode, community, info.Name, info.OperatorName,
                period, StatementCalendar.Default.IssueDate(period), StatementCalendar.Default.DueDate(period), draft.Lines) { OperatorCode = info.OperatorCode };

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
        var row = await dataSource.QueryRowAsync<InvoicePdfRow>(
            "select pdf, pdf_sha256, invoice_no from business_invoice where community_code = @community and period = @period and business_id = @business",
            new { community, period = period.OnDayOfMonth(1), business },
            ct);
        return row is null ? null : (row.Pdf, row.PdfSha256, row.InvoiceNo);
    }

    /// <summary>A community's issued invoices for a month: number, total and PDF, in business order.</summary>
    public async Task<IReadOnlyList<(string InvoiceNo, Money Total, byte[] Pdf)>> MonthAsync(string community, YearMonth period, CancellationToken ct = default)
    {
        var rows = await dataSource.QueryRowsAsync<InvoiceFileRow>(
            "select invoice_no, total, pdf from business_invoice where community_code = @community and period = @period order by business_id",
            new { community, period = period.OnDayOfMonth(1) },
            ct);
        return rows.Select(r => (r.InvoiceNo, new Money(r.Total), r.Pdf)).ToList();
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

        var same = await connection.QueryRowAsync<SamePaymentRow>(
            """
            select p.id, p.invoice_id, p.amount, p.paid_on from business_payment p
            where p.channel = @channel and p.reference = @reference
              and p.operator_code = (select c.operator_code from business_invoice i join community c on c.code = i.community_code where i.id = @invoiceId)
            """,
            new { invoiceId, channel = payment.Channel.Name(), reference = payment.Reference },
            tx,
            ct);
        if (same is not null)
        {
            if (same.InvoiceId != invoiceId || same.Amount != payment.Amount.Yuan || same.PaidOn != payment.PaidOn)
            {
                throw new BusinessPaymentConflictException(
                    $"{payment.Channel.Name()} reference {payment.Reference} is already recorded for another payment ({same.Amount:0.00} yuan on {same.PaidOn:yyyy-MM-dd})");
            }

            var (known, _) = await AccountAsync(connection, tx, business, community, ct);
            return new RecordedBusinessPayment(same.Id, true, known.BalanceOf(invoiceId), known.Credit);
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
        var place = await dataSource.QueryRowAsync<PaymentPlaceRow>(
            "select i.community_code, i.period, i.business_id from business_payment p join business_invoice i on i.id = p.invoice_id where p.id = @paymentId",
            new { paymentId },
            ct);
        return place is null ? null : new BusinessPaymentPlace(place.CommunityCode, new YearMonth(place.Period.Year, place.Period.Month), place.BusinessId);
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

        // The invoice row is locked as a payment locks it, so a reversal and a payment on the same invoice see each other.
        var place = await connection.QueryRowAsync<PaidInvoiceRow>(
            "select i.id as invoice_id, i.business_id, i.community_code from business_payment p join business_invoice i on i.id = p.invoice_id where p.id = @paymentId for update of i",
            new { paymentId },
            tx,
            ct);
        if (place is null)
        {
            return null;
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
            stored = (await connection.QueryRowAsync<ReversalRow>(
                "select reason, reversed_on, recorded_by from business_payment_reversal where payment_id = @paymentId", new { paymentId }, tx, ct))!.ToReversal();

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

        var (account, _) = await AccountAsync(connection, tx, place.BusinessId, place.CommunityCode, ct);
        await tx.CommitAsync(ct);
        return new ReversedBusinessPayment(paymentId, duplicate, stored, account.BalanceOf(place.InvoiceId), account.Credit);
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
        var texts = new Dictionary<long, string>();
        var rows = await connection.QueryRowsAsync<AccountRow>(
            """
            select i.id as invoice_id, i.total, i.invoice_no, p.id as payment_id, p.amount, p.channel, p.reference, r.payment_id is not null as reversed
            from business_invoice i
            left join business_payment p on p.invoice_id = i.id
            left join business_payment_reversal r on r.payment_id = p.id
            where i.business_id = @business and i.community_code = @community
            order by i.id, p.id
            """,
            new { business, community },
            tx,
            ct);
        foreach (var row in rows)
        {
            if (invoices.Count == 0 || invoices[^1].Id != row.InvoiceId)
            {
                invoices.Add(new CreditInvoice(row.InvoiceId, new Money(row.Total)));
            }

            if (row.PaymentId is { } payment)
            {
                payments.Add(new CreditPayment(payment, row.InvoiceId, new Money(row.Amount!.Value), row.Reversed));

                // The stored channel word is shown as it is, so an unknown one is not refused here.
                texts[payment] = $"多付款转入：账单 {row.InvoiceNo} 的付款（{row.Channel} {row.Reference}）";
            }
        }

        var applications = await connection.QueryRowsAsync<CreditApplicationRow>(
            """
            select a.payment_id, a.invoice_id, a.amount from business_credit_application a join business_invoice i on i.id = a.invoice_id
            where i.business_id = @business and i.community_code = @community order by a.invoice_id, a.payment_id
            """,
            new { business, community },
            tx,
            ct);
        return (new BusinessAccount(invoices, payments, applications.Select(a => a.ToApplication()).ToList()), texts);
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
        var head = await connection.QueryRowAsync<InvoiceHeadRow>(
            """
            select i.id, i.invoice_no, i.business_name, i.credit_code, c.name as community_name, o.name as operator_name, i.issue_date, i.due_date, i.pdf_sha256
            from business_invoice i join community c on c.code = i.community_code join operator o on o.code = c.operator_code
            where i.community_code = @community and i.period = @period and i.business_id = @business
            """,
            new { community, period = period.OnDayOfMonth(1), business },
            tx,
            ct);
        if (head is null)
        {
            return null;
        }

        var lines = await connection.QueryRowsAsync<InvoiceLineRow>(
            "select lease_id, space_number, price_basis, slots, hours, rate, amount, formula, rate_version from business_invoice_line where invoice_id = @id order by line_no",
            new { id = head.Id },
            tx,
            ct);
        var payments = await connection.QueryRowsAsync<InvoicePaymentRow>(
            """
            select p.id, p.channel, p.reference, p.amount, p.paid_on, p.recorded_by, r.reason, r.reversed_on, r.recorded_by as reversed_by
            from business_payment p left join business_payment_reversal r on r.payment_id = p.id
            where p.invoice_id = @id order by p.paid_on, p.id
            """,
            new { id = head.Id },
            tx,
            ct);

        var (account, texts) = await AccountAsync(connection, tx, business, community, ct);
        var credits = account.Applications.Where(a => a.Invoice == head.Id).Select(a => new BusinessInvoiceCredit(a.Payment, a.Amount, texts[a.Payment])).ToList();
        var model = head.ToModel(business, community, period) with { Lines = lines.Select(l => l.ToLine()).ToList(), Credits = credits };
        return new StoredBusinessInvoice(head.Id, model, head.PdfSha256, payments.Select(p => p.ToPayment()).ToList(), account.BalanceOf(head.Id), account.Credit);
    }

    // Parameter names equal the SQL column names or aliases, in order: Dapper maps them by name.
    private sealed record CommunityRow(string Name, string OperatorCode, string OperatorName);

    private sealed record BusinessRow(string Name, string CreditCode);

    private sealed record InvoicePdfRow(byte[] Pdf, string PdfSha256, string InvoiceNo);

    private sealed record InvoiceFileRow(string InvoiceNo, decimal Total, byte[] Pdf);

    private sealed record SamePaymentRow(long Id, long InvoiceId, decimal Amount, LocalDate PaidOn);

    private sealed record PaymentPlaceRow(string CommunityCode, LocalDate Period, long BusinessId);

    private sealed record PaidInvoiceRow(long InvoiceId, long BusinessId, string CommunityCode);

    private sealed record ReversalRow(string Reason, LocalDate ReversedOn, string RecordedBy)
    {
        public BusinessPaymentReversal ToReversal() => new(Reason, ReversedOn, RecordedBy);
    }

    private sealed record AccountRow(long InvoiceId, decimal Total, string InvoiceNo, long? PaymentId, decimal? Amount, string? Channel, string? Reference, bool Reversed);

    private sealed record CreditApplicationRow(long PaymentId, long InvoiceId, decimal Amount)
    {
        public CreditApplication ToApplication() => new(PaymentId, InvoiceId, new Money(Amount));
    }

    private sealed record InvoiceHeadRow(
        long Id, string InvoiceNo, string BusinessName, string CreditCode, string CommunityName, string OperatorName, LocalDate IssueDate, LocalDate DueDate, string PdfSha256)
    {
        public BusinessInvoiceModel ToModel(long business, string community, YearMonth period) =>
            new(InvoiceNo, business, BusinessName, CreditCode, community, CommunityName, OperatorName, period, IssueDate, DueDate, []);
    }

    private sealed record InvoiceLineRow(
        long LeaseId, string SpaceNumber, string PriceBasis, int Slots, decimal Hours, decimal Rate, decimal Amount, string Formula, string RateVersion)
    {
        public BusinessInvoiceLine ToLine() =>
            new(LeaseId, SpaceNumber, PriceBases.IsMonthly(PriceBasis, "business_invoice_line.price_basis"), Slots, Hours, new Money(Rate), new Money(Amount), Formula, RateVersion);
    }

    private sealed record InvoicePaymentRow(
        long Id, string Channel, string Reference, decimal Amount, LocalDate PaidOn, string RecordedBy, string? Reason, LocalDate? ReversedOn, string? ReversedBy)
    {
        public BusinessPayment ToPayment() => new(
            Id,
            new BusinessPaymentInput(StoredValues.Channel(Channel, "business_payment.channel"), Reference, new Money(Amount), PaidOn),
            RecordedBy,
            Reason is null ? null : new BusinessPaymentReversal(Reason, ReversedOn!.Value, ReversedBy!));
    }
}
