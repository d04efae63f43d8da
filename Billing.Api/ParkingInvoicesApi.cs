using RedProperty.Billing.Core.Runs;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using NodaTime.Text;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Parking;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api;

/// <summary>
/// Shared parking money for finance staff of the community's operator: the month's invoices to
/// businesses, their PDFs and payments, and how the residents' pool was used.
/// </summary>
public static class ParkingInvoicesApi
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public static ApiAudiences MapParkingInvoicesApi(this ApiAudiences audiences)
    {
        var group = audiences.FinanceStaff.MapGroup("/api/communities/{community}/parking");
        group.MapPost("/invoices/{period}", Issue);
        group.MapGet("/invoices/{period}", List);
        group.MapGet("/invoices/{period}/{business:long}", Invoice);
        group.MapGet("/invoices/{period}/{business:long}.pdf", InvoicePdf);
        group.MapPost("/invoices/{period}/{business:long}/payments", Pay).RequireRateLimiting(RateLimits.Payments);
        group.MapGet("/pool/{period}", Pool);

        // A payment id is enough to find its invoice, as for household payments (/api/payments/{id}/reversal).
        audiences.FinanceStaff.MapPost("/api/parking/payments/{id:long}/reversal", Reverse).RequireRateLimiting(RateLimits.Payments);
        return audiences;
    }

    public sealed record BusinessPaymentRequest(string? Channel, string? Reference, decimal? Amount, string? PaidOn);

    public sealed record BusinessReversalRequest(string? Reason, string? On);

    /// <summary>How many of the month's invoices this call issued, and how many were already issued.</summary>
    public sealed record InvoicesIssued(string Community, YearMonth Period, int Issued, int Existing);

    /// <summary>A business payment as recorded, with its invoice's balance after it and the business's credit.</summary>
    public sealed record BusinessPaymentResponse(
        long Id, bool Duplicate, string Channel, string Reference, decimal Amount, LocalDate PaidOn,
        decimal Total, decimal AmountDue, decimal Paid, decimal Open, decimal BusinessCredit);

    /// <summary>A business payment taken back, with its invoice's balance after it and the business's credit.</summary>
    public sealed record BusinessReversalResponse(
        long Payment, bool Duplicate, string Reason, LocalDate ReversedOn, string RecordedBy,
        decimal Total, decimal AmountDue, decimal Paid, decimal Open, decimal BusinessCredit);

    /// <summary>Issues the month's invoices for every business leasing in the community; issuing again changes nothing.</summary>
    private static async Task<Results<Ok<InvoicesIssued>, ProblemHttpResult>> Issue(string community, string period, NpgsqlDataSource db, ScopeDirectory scopes, ParkingRateBook book, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (await scopes.CommunityAsync(community, ct) is not { } c || !await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        if (book.For(c.Operator, month.OnDayOfMonth(1)) is null)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "No parking prices", $"No parking prices apply to {community} in {period}.", "period");
        }

        var result = await new BusinessInvoiceStore(db).IssueAsync(community, month, book, Shanghai, ct);
        return TypedResults.Ok(new InvoicesIssued(community, month, result.Issued, result.Existing));
    }

    private static async Task<Results<Ok<Page<BusinessInvoiceItem>>, ProblemHttpResult>> List(string community, string period, int? page, int? pageSize, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (ReadApi.Paging(page, pageSize) is { } paging)
        {
            return paging;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        var text = BillingPeriod.Format(month);
        var rows = await ReadApi.PageAsync<BusinessInvoiceListRow>(
            db,
            "select count(*) from business_invoice where community_code = @k and period = @p",
            // The same figures as BusinessAccount computes: due = total − credit taken; open = due − paid
            // (not reversed) + credit this invoice's payments gave later invoices, never below zero; the
            // business's credit is the sum of every invoice's surplus in the community.
            """
            with page as (
                select i.* from business_invoice i where i.community_code = @k and i.period = @p order by i.business_id offset @o limit @l),
            figures as (
                select i.id, i.business_id, i.community_code, i.total,
                       coalesce((select sum(a.amount) from business_credit_application a where a.invoice_id = i.id), 0) as applied,
                       coalesce((select sum(p.amount) from business_payment p where p.invoice_id = i.id
                                   and not exists (select 1 from business_payment_reversal r where r.payment_id = p.id)), 0) as paid,
                       coalesce((select sum(a.amount) from business_credit_application a join business_payment p on p.id = a.payment_id
                                  where p.invoice_id = i.id), 0) as given
                from business_invoice i where (i.business_id, i.community_code) in (select business_id, community_code from page))
            select i.invoice_no, i.business_id, i.business_name, i.total, f.applied, f.paid,
                   greatest(i.total - f.applied - f.paid + f.given, 0) as open,
                   (select coalesce(sum(greatest(o.paid - o.given - (o.total - o.applied), 0)), 0) from figures o
                     where o.business_id = i.business_id and o.community_code = i.community_code) as business_credit,
                   i.due_date
            from page i join figures f on f.id = i.id order by i.business_id
            """,
            new { k = community, p = month.OnDayOfMonth(1) },
            page,
            pageSize,
            ct);
        return TypedResults.Ok(rows.Select(r => new BusinessInvoiceItem(
            r.InvoiceNo,
            r.BusinessId,
            r.BusinessName,
            r.Total,
            r.Applied,
            r.Total - r.Applied,
            r.Paid,
            r.Open,
            r.BusinessCredit,
            r.DueDate,
            $"/api/communities/{community}/parking/invoices/{text}/{r.BusinessId}")));
    }

    /// <summary>An invoice as issued: every line with its formula and rate version, the payments and what is still open.</summary>
    private static async Task<Results<Ok<BusinessInvoiceResponse>, ProblemHttpResult>> Invoice(string community, string period, long business, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        var invoice = await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct) ? await new BusinessInvoiceStore(db).GetAsync(community, month, business, ct) : null;
        if (invoice is null)
        {
            return NoInvoice(community, period, business);
        }

        var m = invoice.Model;
        var text = BillingPeriod.Format(month);
        return TypedResults.Ok(new BusinessInvoiceResponse(
            m.InvoiceNo,
            community,
            month,
            new InvoiceBusiness(m.Business, m.BusinessName, m.CreditCode),
            m.IssueDate,
            m.DueDate,
            m.Total.Yuan,
            invoice.Balance.CreditApplied.Yuan,
            m.AmountDue.Yuan,
            invoice.Balance.Paid.Yuan,
            invoice.Balance.Open.Yuan,
            invoice.Credit.Yuan,
            $"/api/communities/{community}/parking/invoices/{text}/{business}.pdf",
            invoice.PdfSha256,
            m.Lines.Select((l, i) => new InvoiceLineResponse(i + 1, l.LeaseId, l.Space, l.PriceBasis, l.Slots, l.Hours, l.Rate.Yuan, l.Amount.Yuan, l.Formula, l.RateVersion)).ToList(),
            m.Credits.Select(c => new BusinessInvoiceCredit(c.Payment, (-c.Amount).Yuan, c.Text)).ToList(),
            invoice.Payments.Select(p => new BusinessInvoicePayment(
                p.Id,
                p.Payment.Channel.Name(),
                p.Payment.Reference,
                p.Payment.Amount.Yuan,
                p.Payment.PaidOn,
                p.Reversal is { } r ? new BusinessPaymentReversal(r.Reason, r.ReversedOn, r.RecordedBy) : null)).ToList()));
    }

    private static async Task<IResult> InvoicePdf(string community, string period, long business, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        var pdf = await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct) ? await new BusinessInvoiceStore(db).PdfAsync(community, month, business, ct) : null;
        if (pdf is not { } found)
        {
            return NoInvoice(community, period, business);
        }

        // The stored bytes are what was issued; the hash lets the business check its copy.
        http.Response.Headers.ETag = $"\"{found.Sha256}\"";
        http.Response.Headers["X-Content-SHA256"] = found.Sha256;
        return TypedResults.File(found.Pdf, "application/pdf", $"{found.InvoiceNo}.pdf");
    }

    private static async Task<Results<Created<BusinessPaymentResponse>, Ok<BusinessPaymentResponse>, ProblemHttpResult>> Pay(
        string community, string period, long business, BusinessPaymentRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!PaymentChannels.TryParse(body?.Channel, out var channel))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid channel", "channel is cash, wechat, alipay or bank.", "channel");
        }

        if (string.IsNullOrWhiteSpace(body!.Reference))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Reference required", "The transfer's transaction number (or the cash receipt number) makes a payment unique.", "reference");
        }

        if (body.Amount is not { } amount || amount <= 0m || decimal.Round(amount, 2) != amount)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid amount", "A payment is a positive amount in yuan with at most two decimals.", "amount");
        }

        var paidOn = LocalDatePattern.Iso.Parse(body.PaidOn ?? string.Empty);
        if (!paidOn.Success)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid date", "paidOn is a date like 2026-11-05.", "paidOn");
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NoInvoice(community, period, business);
        }

        try
        {
            var input = new BusinessPaymentInput(channel, body.Reference.Trim(), new Money(amount), paidOn.Value);
            var result = await new BusinessInvoiceStore(db).PayAsync(community, month, business, input, $"api by {http.User.Grant().Subject}", ct);
            if (result is null)
            {
                return NoInvoice(community, period, business);
            }

            var response = new BusinessPaymentResponse(
                result.Id, result.Duplicate, channel.Name(), input.Reference, amount, paidOn.Value,
                result.Balance.Total.Yuan, result.Balance.Due.Yuan, result.Balance.Paid.Yuan, result.Balance.Open.Yuan, result.Credit.Yuan);
            var location = $"/api/communities/{community}/parking/invoices/{BillingPeriod.Format(month)}/{business}";
            return result.Duplicate ? TypedResults.Ok(response) : TypedResults.Created(ResponseHeaders.EncodeLocation(location), response);
        }
        catch (BusinessPaymentConflictException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Payment refused", e.Message, "reference");
        }
    }

    /// <summary>
    /// Takes a business payment back (a bounced transfer, the wrong invoice): its invoice is open
    /// again. Repeating it with the same reason and day answers 200 and changes nothing.
    /// </summary>
    private static async Task<Results<Created<BusinessReversalResponse>, Ok<BusinessReversalResponse>, ProblemHttpResult>> Reverse(long id, BusinessReversalRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Reason))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Reason required", "Say why the payment is reversed (a bounced transfer, the wrong invoice).", "reason");
        }

        if (!ApiInput.TryDate(body.On, ApiInput.Today(clock), out var on, out var dateProblem, "on"))
        {
            return dateProblem;
        }

        var store = new BusinessInvoiceStore(db);
        var place = await store.PlaceAsync(id, ct);
        if (place is null || !await scopes.MayManageCommunityAsync(http.User.Grant(), place.Community, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Payment not found", $"No business payment {id} among yours.", "id");
        }

        try
        {
            var result = await store.ReverseAsync(id, body.Reason, on, $"api by {http.User.Grant().Subject}", ct);
            if (result is null)
            {
                return Problems.Field(StatusCodes.Status404NotFound, "Payment not found", $"No business payment {id} among yours.", "id");
            }

            var response = new BusinessReversalResponse(
                id, result.Duplicate, result.Reversal.Reason, result.Reversal.ReversedOn, result.Reversal.RecordedBy,
                result.Balance.Total.Yuan, result.Balance.Due.Yuan, result.Balance.Paid.Yuan, result.Balance.Open.Yuan, result.Credit.Yuan);
            var location = $"/api/communities/{place.Community}/parking/invoices/{BillingPeriod.Format(place.Period)}/{place.Business}";
            return result.Duplicate ? TypedResults.Ok(response) : TypedResults.Created(ResponseHeaders.EncodeLocation(location), response);
        }
        catch (BusinessPaymentConflictException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Already reversed", e.Message, "reason");
        }
    }

    /// <summary>
    /// 共享停车收益池 of a billed month, from the stored pool row; the permits and their reductions
    /// from the statements it was distributed on.
    /// </summary>
    private static async Task<Results<Ok<ParkingPoolResponse>, ProblemHttpResult>> Pool(string community, string period, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        var pool = await db.QueryRowAsync<ParkingPoolRow>(
            """
            select p.lease_income, p.carry_in, p.used, p.carry_out, p.rate_version,
                   (select count(*) from statement_line l join statement s on s.id = l.statement_id
                      where s.community_code = p.community_code and s.period = p.period and l.kind = @permit) as permits,
                   (select json_agg(json_build_object('reduction', r.reduction, 'permits', r.permits) order by r.reduction desc)
                      from (select -l.amount as reduction, count(*) as permits from statement_line l join statement s on s.id = l.statement_id
                            where s.community_code = p.community_code and s.period = p.period and l.kind = @reduction group by l.amount) r)::text as reductions,
                   (select coalesce(sum(total), 0) from business_invoice i where i.community_code = p.community_code and i.period = p.period) as invoiced_total,
                   (select count(*) from business_invoice i where i.community_code = p.community_code and i.period = p.period) as invoices
            from parking_pool p where p.community_code = @c and p.period = @p
            """,
            new { c = community, p = month.OnDayOfMonth(1), permit = ParkingLines.PermitKind, reduction = ParkingLines.ReductionKind },
            ct);
        if (pool is null)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Not billed yet", $"The parking pool of {community} for {period} is stored when the month is billed.", "period");
        }

        var reductions = pool.Reductions is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<ReductionGroup>>(pool.Reductions)!;
        return TypedResults.Ok(new ParkingPoolResponse(
            community,
            month,
            pool.LeaseIncome,
            pool.CarryIn,
            pool.LeaseIncome + pool.CarryIn,
            pool.Used,
            pool.CarryOut,
            pool.RateVersion,
            pool.Permits,

            // Everyone held for the whole month gets the largest reduction; part-month permits get their share of it.
            reductions.Count == 0 ? 0m : reductions.Max(r => r.Reduction),
            reductions,
            new PoolInvoiced(pool.InvoicedTotal, pool.Invoices)));
    }

    private sealed record ParkingPoolRow(
        decimal LeaseIncome, decimal CarryIn, decimal Used, decimal CarryOut, string RateVersion, long Permits, string? Reductions, decimal InvoicedTotal, long Invoices);

    private sealed record BusinessInvoiceListRow(
        string InvoiceNo, long BusinessId, string BusinessName, decimal Total, decimal Applied, decimal Paid, decimal Open, decimal BusinessCredit, LocalDate DueDate);

    /// <summary>How many permits got a reduction of this size.</summary>
    public sealed record ReductionGroup(
        [property: System.Text.Json.Serialization.JsonPropertyName("reduction")] decimal Reduction,
        [property: System.Text.Json.Serialization.JsonPropertyName("permits")] long Permits);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotYours(string community) =>
        Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NoInvoice(string community, string period, long business) =>
        Problems.Field(StatusCodes.Status404NotFound, "Invoice not found", $"No parking invoice of business {business} in {community} for {period} among yours.", "business");
}

/// <summary>A business's invoice in the month's list, with what is paid and still open.</summary>
public sealed record BusinessInvoiceItem(
    string InvoiceNo, long Business, string BusinessName, decimal Total, decimal CreditApplied, decimal AmountDue, decimal Paid, decimal Open, decimal BusinessCredit, LocalDate DueDate, string Href);

/// <summary>A business invoice as issued: lines with formula and rate version, credits, payments and what is still open.</summary>
public sealed record BusinessInvoiceResponse(
    string InvoiceNo,
    string Community,
    YearMonth Period,
    InvoiceBusiness Business,
    LocalDate IssueDate,
    LocalDate DueDate,
    decimal Total,
    decimal CreditApplied,
    decimal AmountDue,
    decimal Paid,
    decimal Open,
    decimal BusinessCredit,
    string Pdf,
    string? PdfSha256,
    IReadOnlyList<InvoiceLineResponse> Lines,
    IReadOnlyList<BusinessInvoiceCredit> Credits,
    IReadOnlyList<BusinessInvoicePayment> Payments);

public sealed record InvoiceBusiness(long Id, string Name, string? CreditCode);

public sealed record InvoiceLineResponse(
    int LineNo, long Lease, string Space, string PriceBasis, int Slots, decimal Hours, decimal Rate, decimal Amount, string Formula, string RateVersion);

public sealed record BusinessInvoiceCredit(long Payment, decimal Amount, string Text);

public sealed record BusinessInvoicePayment(long Id, string Channel, string Reference, decimal Amount, LocalDate PaidOn, BusinessPaymentReversal? Reversal);

public sealed record BusinessPaymentReversal(string Reason, LocalDate ReversedOn, string RecordedBy);

/// <summary>共享停车收益池 of a billed month: what came in, what the permits used, what carries forward.</summary>
public sealed record ParkingPoolResponse(
    string Community,
    YearMonth Period,
    decimal LeaseIncome,
    decimal CarryIn,
    decimal PoolIn,
    decimal Used,
    decimal CarryForward,
    string RateVersion,
    long Permits,
    decimal ReductionPerPermit,
    IReadOnlyList<ParkingInvoicesApi.ReductionGroup> Reductions,
    PoolInvoiced Invoiced);

public sealed record PoolInvoiced(decimal Total, long Invoices);
