using RedProperty.Billing.Core.Runs;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using NodaTime.Text;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Payments;
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

    public static IEndpointRouteBuilder MapParkingInvoicesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/communities/{community}/parking").RequireAuthorization(Access.FinanceStaff);
        group.MapPost("/invoices/{period}", Issue);
        group.MapGet("/invoices/{period}", List);
        group.MapGet("/invoices/{period}/{business:long}", Invoice);
        group.MapGet("/invoices/{period}/{business:long}.pdf", InvoicePdf);
        group.MapPost("/invoices/{period}/{business:long}/payments", Pay).RequireRateLimiting(RateLimits.Payments);
        group.MapGet("/pool/{period}", Pool);

        // A payment id is enough to find its invoice, as for household payments (/api/payments/{id}/reversal).
        app.MapPost("/api/parking/payments/{id:long}/reversal", Reverse).RequireAuthorization(Access.FinanceStaff).RequireRateLimiting(RateLimits.Payments);
        return app;
    }

    public sealed record BusinessPaymentRequest(string? Channel, string? Reference, decimal? Amount, string? PaidOn);

    public sealed record BusinessReversalRequest(string? Reason, string? On);

    /// <summary>Issues the month's invoices for every business leasing in the community; issuing again changes nothing.</summary>
    private static async Task<IResult> Issue(string community, string period, NpgsqlDataSource db, ScopeDirectory scopes, ParkingRateBook book, HttpContext http, CancellationToken ct)
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
        return TypedResults.Ok(new { community, period = BillingPeriod.Format(month), result.Issued, result.Existing });
    }

    private static async Task<IResult> List(string community, string period, int? page, int? pageSize, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
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
        return TypedResults.Ok(await ReadApi.PageAsync(
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
                   greatest(i.total - f.applied - f.paid + f.given, 0),
                   (select coalesce(sum(greatest(o.paid - o.given - (o.total - o.applied), 0)), 0) from figures o
                     where o.business_id = i.business_id and o.community_code = i.community_code),
                   i.due_date
            from page i join figures f on f.id = i.id order by i.business_id
            """,
            community,
            page,
            pageSize,
            reader => new
            {
                invoiceNo = reader.GetString(0),
                business = reader.GetInt64(1),
                businessName = reader.GetString(2),
                total = reader.GetDecimal(3),
                creditApplied = reader.GetDecimal(4),
                amountDue = reader.GetDecimal(3) - reader.GetDecimal(4),
                paid = reader.GetDecimal(5),
                open = reader.GetDecimal(6),
                businessCredit = reader.GetDecimal(7),
                dueDate = LocalDatePattern.Iso.Format(reader.GetFieldValue<LocalDate>(8)),
                href = $"/api/communities/{community}/parking/invoices/{text}/{reader.GetInt64(1)}",
            },
            ct,
            p => p.AddWithValue("p", month.OnDayOfMonth(1))));
    }

    /// <summary>An invoice as issued: every line with its formula and rate version, the payments and what is still open.</summary>
    private static async Task<IResult> Invoice(string community, string period, long business, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
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
        return TypedResults.Ok(new
        {
            invoiceNo = m.InvoiceNo,
            community,
            period = text,
            business = new { id = m.Business, name = m.BusinessName, creditCode = m.CreditCode },
            issueDate = LocalDatePattern.Iso.Format(m.IssueDate),
            dueDate = LocalDatePattern.Iso.Format(m.DueDate),
            total = m.Total.Yuan,
            creditApplied = invoice.Balance.CreditApplied.Yuan,
            amountDue = m.AmountDue.Yuan,
            paid = invoice.Balance.Paid.Yuan,
            open = invoice.Balance.Open.Yuan,
            businessCredit = invoice.Credit.Yuan,
            pdf = $"/api/communities/{community}/parking/invoices/{text}/{business}.pdf",
            pdfSha256 = invoice.PdfSha256,
            lines = m.Lines.Select((l, i) => new
            {
                lineNo = i + 1,
                lease = l.LeaseId,
                space = l.Space,
                priceBasis = l.PriceBasis,
                l.Slots,
                l.Hours,
                rate = l.Rate.Yuan,
                amount = l.Amount.Yuan,
                formula = l.Formula,
                rateVersion = l.RateVersion,
            }),
            credits = m.Credits.Select(c => new { payment = c.Payment, amount = (-c.Amount).Yuan, text = c.Text }),
            payments = invoice.Payments.Select(p => new
            {
                id = p.Id,
                channel = p.Payment.Channel.Name(),
                reference = p.Payment.Reference,
                amount = p.Payment.Amount.Yuan,
                paidOn = LocalDatePattern.Iso.Format(p.Payment.PaidOn),
                reversal = p.Reversal is { } r ? new { reason = r.Reason, reversedOn = LocalDatePattern.Iso.Format(r.ReversedOn), recordedBy = r.RecordedBy } : null,
            }),
        });
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

    private static async Task<IResult> Pay(
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

            var response = new
            {
                id = result.Id,
                result.Duplicate,
                channel = channel.Name(),
                reference = input.Reference,
                amount,
                paidOn = LocalDatePattern.Iso.Format(paidOn.Value),
                total = result.Balance.Total.Yuan,
                amountDue = result.Balance.Due.Yuan,
                paid = result.Balance.Paid.Yuan,
                open = result.Balance.Open.Yuan,
                businessCredit = result.Credit.Yuan,
            };
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
    private static async Task<IResult> Reverse(long id, BusinessReversalRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
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

            var response = new
            {
                payment = id,
                result.Duplicate,
                reason = result.Reversal.Reason,
                reversedOn = LocalDatePattern.Iso.Format(result.Reversal.ReversedOn),
                recordedBy = result.Reversal.RecordedBy,
                total = result.Balance.Total.Yuan,
                amountDue = result.Balance.Due.Yuan,
                paid = result.Balance.Paid.Yuan,
                open = result.Balance.Open.Yuan,
                businessCredit = result.Credit.Yuan,
            };
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
    private static async Task<IResult> Pool(string community, string period, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        await using var cmd = db.CreateCommand(
            """
            select p.lease_income, p.carry_in, p.used, p.carry_out, p.rate_version,
                   (select count(*) from statement_line l join statement s on s.id = l.statement_id
                      where s.community_code = p.community_code and s.period = p.period and l.kind = @permit),
                   (select json_agg(json_build_object('reduction', r.reduction, 'permits', r.permits) order by r.reduction desc)
                      from (select -l.amount as reduction, count(*) as permits from statement_line l join statement s on s.id = l.statement_id
                            where s.community_code = p.community_code and s.period = p.period and l.kind = @reduction group by l.amount) r),
                   (select coalesce(sum(total), 0) from business_invoice i where i.community_code = p.community_code and i.period = p.period),
                   (select count(*) from business_invoice i where i.community_code = p.community_code and i.period = p.period)
            from parking_pool p where p.community_code = @c and p.period = @p
            """);
        cmd.Parameters.AddWithValue("c", community);
        cmd.Parameters.AddWithValue("p", month.OnDayOfMonth(1));
        cmd.Parameters.AddWithValue("permit", ParkingLines.PermitKind);
        cmd.Parameters.AddWithValue("reduction", ParkingLines.ReductionKind);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Not billed yet", $"The parking pool of {community} for {period} is stored when the month is billed.", "period");
        }

        var reductions = reader.IsDBNull(6) ? [] : System.Text.Json.JsonSerializer.Deserialize<List<ReductionGroup>>(reader.GetString(6))!;
        return TypedResults.Ok(new
        {
            community,
            period = BillingPeriod.Format(month),
            leaseIncome = reader.GetDecimal(0),
            carryIn = reader.GetDecimal(1),
            poolIn = reader.GetDecimal(0) + reader.GetDecimal(1),
            used = reader.GetDecimal(2),
            carryForward = reader.GetDecimal(3),
            rateVersion = reader.GetString(4),
            permits = reader.GetInt64(5),

            // Everyone held for the whole month gets the largest reduction; part-month permits get their share of it.
            reductionPerPermit = reductions.Count == 0 ? 0m : reductions.Max(r => r.Reduction),
            reductions,
            invoiced = new { total = reader.GetDecimal(7), invoices = reader.GetInt64(8) },
        });
    }

    private sealed record ReductionGroup(
        [property: System.Text.Json.Serialization.JsonPropertyName("reduction")] decimal Reduction,
        [property: System.Text.Json.Serialization.JsonPropertyName("permits")] long Permits);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotYours(string community) =>
        Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NoInvoice(string community, string period, long business) =>
        Problems.Field(StatusCodes.Status404NotFound, "Invoice not found", $"No parking invoice of business {business} in {community} for {period} among yours.", "business");
}
