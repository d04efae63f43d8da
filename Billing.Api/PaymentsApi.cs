using RedProperty.Billing.Core.Runs;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using NodaTime.Text;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Payments;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api;

/// <summary>Payments, receipts, arrears and collection rate: finance staff for their operator, residents for their household.</summary>
public static class PaymentsApi
{
    public static ApiAudiences MapPaymentsApi(this ApiAudiences audiences)
    {
        audiences.FinanceStaff.MapPost("/api/payments", Record).RequireRateLimiting(RateLimits.Payments);
        audiences.FinanceStaff.MapPost("/api/payments/import", Import).RequireRateLimiting(RateLimits.Payments);
        audiences.FinanceStaff.MapPost("/api/payments/{id:long}/reversal", Reverse).RequireRateLimiting(RateLimits.Payments);
        audiences.Households.MapGet("/api/payments/{id:long}/receipt.pdf", Receipt);
        audiences.Households.MapGet("/api/payments/{id:long}/reversal.pdf", ReversalNotice);
        audiences.Households.MapGet("/api/households/{household}/ledger", Ledger);
        audiences.FinanceStaff.MapGet("/api/communities/{community}/arrears.csv", ArrearsCsv);
        audiences.FinanceStaff.MapGet("/api/communities/{community}/arrears.pdf", ArrearsPdf);
        audiences.FinanceStaff.MapGet("/api/communities/{community}/arrears", Arrears);
        audiences.FinanceStaff.MapGet("/api/communities/{community}/collection-rate/{period}", CommunityCollection);
        audiences.FinanceStaff.MapGet("/api/operators/{operatorCode}/collection-rate/{period}", OperatorCollection);
        audiences.FinanceStaff.MapGet("/api/operators/{operatorCode}/ledger-check", LedgerCheck);
        return audiences;
    }

    public sealed record PaymentRequest(string? Household, string? Channel, string? Reference, decimal? Amount, string? PaidOn);

    public sealed record PaymentResponse(long Id, bool Duplicate, string Household, string Channel, string Reference, decimal Amount, string PaidOn);

    public sealed record ReversalRequest(string? Reason, string? On);

    private static async Task<Results<Created<PaymentResponse>, Ok<PaymentResponse>, ProblemHttpResult>> Record(
        PaymentRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (body?.Household is not { Length: > 0 } household)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Household required", "Name the household that paid.", "household");
        }

        if (!PaymentChannels.TryParse(body.Channel, out var channel))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid channel", "channel is cash, wechat, alipay or bank.", "channel");
        }

        if (string.IsNullOrWhiteSpace(body.Reference))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Reference required", "The channel's transaction number (or the cash receipt book number) makes a payment unique.", "reference");
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

        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Household not found", $"No household {household} among yours.", "household");
        }

        try
        {
            var input = new PaymentInput(household, channel, body.Reference, new Money(amount), paidOn.Value);
            var result = (await new PaymentStore(db).RecordAsync([(input, "api", 1)], $"api by {http.User.Grant().Subject}", ct))[0];
            var response = new PaymentResponse(result.Id, result.Duplicate, household, channel.Name(), body.Reference, amount, LocalDatePattern.Iso.Format(paidOn.Value));
            return result.Duplicate ? TypedResults.Ok(response) : TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/payments/{result.Id}/receipt.pdf"), response);
        }
        catch (InputRejectedException rejected)
        {
            return rejected.Errors.Any(e => e.Code == "payment.reference.conflict")
                ? Problems.Field(StatusCodes.Status409Conflict, "Reference already used", rejected.Errors[0].Message, "reference")
                : Problems.Rejected(rejected);
        }
    }

    /// <summary>A channel's CSV export; ?channel= names the channel when the file has no channel column.</summary>
    private static async Task<Results<Ok<ImportSummary>, ProblemHttpResult>> Import(
        HttpRequest request, string? channel, NpgsqlDataSource db, ScopeDirectory scopes, CancellationToken ct)
    {
        PaymentChannel? fileChannel = null;
        if (channel is not null)
        {
            if (!PaymentChannels.TryParse(channel, out var parsed))
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "Invalid channel", "channel is cash, wechat, alipay or bank.", "channel");
            }

            fileChannel = parsed;
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        try
        {
            var csvText = RegisterCsv.Decode(buffer.ToArray());
            if (CsvGuard.Check("payments.csv", csvText) is { } csvProblem)
            {
                return csvProblem;
            }

            var rows = RegisterCsv.ReadPayments("payments.csv", new StringReader(csvText), fileChannel);
            var grant = request.HttpContext.User.Grant();
            var foreign = new List<InputError>();
            foreach (var row in rows)
            {
                if (!await scopes.MaySeeHouseholdAsync(grant, row.Value.Household, ct))
                {
                    foreign.Add(new InputError(row.Source, row.Row, "household_code", "access.scope", $"household {row.Value.Household} is not one of operator {grant.Scope}'s"));
                }
            }

            if (foreign.Count > 0)
            {
                return Problems.Forbidden(foreign);
            }

            var results = await new PaymentStore(db).RecordAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), $"import by {grant.Subject}", ct);
            return TypedResults.Ok(new ImportSummary(results.Count(r => !r.Duplicate), results.Count(r => r.Duplicate)));
        }
        catch (InputRejectedException rejected)
        {
            return Problems.Rejected(rejected);
        }
    }

    public sealed record ImportSummary(int Recorded, int DuplicatesIgnored);

    private static async Task<Results<Created, ProblemHttpResult>> Reverse(
        long id, ReversalRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Reason))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Reason required", "Say why the payment is reversed.", "reason");
        }

        if (!ApiInput.TryDate(body.On, ApiInput.Today(clock), out var on, out var dateProblem, "on"))
        {
            return dateProblem;
        }

        var receipt = await new PaymentStore(db).ReceiptAsync(id, ct);
        if (receipt is null || !await scopes.MaySeeHouseholdAsync(http.User.Grant(), receipt.Payment.Household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Payment not found", $"No payment {id} among yours.", "id");
        }

        try
        {
            await new PaymentStore(db).ReverseAsync(id, body.Reason, on, ct);
            return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/payments/{id}/receipt.pdf"));
        }
        catch (PaymentConflictException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Already reversed", e.Message, "id");
        }
    }

    /// <summary>
    /// The receipt as issued: the first request issues it (numbered, stored with its SHA-256) and
    /// every later one returns the same bytes. A cash or bank payment is issued by the finance staff
    /// member asking; an online payment first fetched by its payer is issued by the payment system.
    /// </summary>
    private static async Task<IResult> Receipt(long id, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var model = await new PaymentStore(db).ReceiptAsync(id, ct);
        if (model is null || !await scopes.MaySeeHouseholdAsync(http.User.Grant(), model.Payment.Household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Payment not found", $"No payment {id} among yours.", "id");
        }

        var grant = http.User.Grant();
        var cashier = grant.Role == AccessRole.FinanceStaff ? grant.Subject : "线上缴费系统";
        var receipt = (await new ReceiptStore(db).IssueAsync(id, cashier, ct))!;
        return TypedResults.File(receipt.Pdf, "application/pdf", $"receipt-{receipt.ReceiptNo}.pdf");
    }

    /// <summary>The reversal notice of a reversed payment (404 when it was not reversed): the receipt itself is never changed.</summary>
    private static async Task<IResult> ReversalNotice(long id, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var model = await new PaymentStore(db).ReceiptAsync(id, ct);
        if (model is null || !await scopes.MaySeeHouseholdAsync(http.User.Grant(), model.Payment.Household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Payment not found", $"No payment {id} among yours.", "id");
        }

        var notice = await new ReceiptStore(db).ReversalNoticeAsync(id, ct);
        return notice is null
            ? Problems.Field(StatusCodes.Status404NotFound, "Not reversed", $"Payment {id} has not been reversed.", "id")
            : TypedResults.File(notice.Pdf, "application/pdf", $"reversal-{id}.pdf");
    }

    private static async Task<Results<Ok<LedgerResponse>, ProblemHttpResult>> Ledger(
        string household, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Household not found", $"No household {household} among yours.", "household");
        }

        var position = await new PaymentStore(db).PositionAsync(household, null, ct);
        return TypedResults.Ok(LedgerResponse.From(household, position, AgingBuckets.Of(position, ApiInput.Today(clock))));
    }

    private static async Task<Results<Ok<ArrearsResponse>, ProblemHttpResult>> Arrears(
        string community, string? asOf, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        var (rows, date, problem) = await ArrearsAsync(community, asOf, db, scopes, clock, http, ct);
        return problem is not null ? problem : TypedResults.Ok(ArrearsResponse.From(community, date, rows!));
    }

    private static async Task<IResult> ArrearsCsv(string community, string? asOf, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        var (rows, _, problem) = await ArrearsAsync(community, asOf, db, scopes, clock, http, ct);
        return problem is not null ? problem : TypedResults.File(
            System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(PaymentDocuments.ArrearsCsv(rows!))).ToArray(),
            "text/csv; charset=utf-8", $"arrears-{community}.csv");
    }

    private static async Task<IResult> ArrearsPdf(
        string community, string? asOf, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        var (rows, date, problem) = await ArrearsAsync(community, asOf, db, scopes, clock, http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var info = (await new RegisterStore(db).CommunitiesAsync(ct)).Single(c => c.Code.Value == community);
        var kinds = await StatementFeeKinds.OnlyPropertyFeeAsync(db, community, ct);
        return TypedResults.File(
            PaymentDocuments.ReminderNotices(ReminderCommunity.Of(info), date, rows!, kinds, Infrastructure.Documents.DocumentContext.Default,
                Core.Payments.ReminderRule.FromSetting(configuration["Reminders:MinimumOverdue"])),
            "application/pdf", $"reminders-{community}.pdf");
    }

    private static async Task<(IReadOnlyList<HouseholdArrears>? Rows, LocalDate AsOf, ProblemHttpResult? Problem)> ArrearsAsync(
        string community, string? asOf, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryDate(asOf, ApiInput.Today(clock), out var date, out var problem, "asOf"))
        {
            return (null, date, problem);
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return (null, date, Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community"));
        }

        return (await new PaymentStore(db).ArrearsAsync(community, date, ct), date, null);
    }

    private static async Task<Results<Ok<CollectionRateResponse>, ProblemHttpResult>> CommunityCollection(string community, string period, string? asOf, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community");
        }

        return await CollectionAsync([community], period, asOf, db, clock, ct);
    }

    private static async Task<Results<Ok<CollectionRateResponse>, ProblemHttpResult>> OperatorCollection(string operatorCode, string period, string? asOf, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (http.User.Grant().Scope != operatorCode)
        {
            return Problems.Field(StatusCodes.Status403Forbidden, "Another operator", $"Your token is for operator {http.User.Grant().Scope}.", "operatorCode");
        }

        return await CollectionAsync(await scopes.CommunitiesOfOperatorAsync(operatorCode, ct), period, asOf, db, clock, ct);
    }

    private static async Task<Results<Ok<CollectionRateResponse>, ProblemHttpResult>> CollectionAsync(IEnumerable<string> communities, string period, string? asOf, NpgsqlDataSource db, IClock clock, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem) || !ApiInput.TryDate(asOf, ApiInput.Today(clock), out var date, out problem, "asOf"))
        {
            return problem;
        }

        var rate = await new PaymentStore(db).CollectionRateAsync(communities, month, date, ct);
        return TypedResults.Ok(new CollectionRateResponse(month, date, rate.Billed.Yuan, rate.Collected.Yuan, rate.Rate, rate.Percent));
    }

    private static async Task<Results<Ok<LedgerCheckResponse>, ProblemHttpResult>> LedgerCheck(string operatorCode, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        if (http.User.Grant().Scope != operatorCode)
        {
            return Problems.Field(StatusCodes.Status403Forbidden, "Another operator", $"Your token is for operator {http.User.Grant().Scope}.", "operatorCode");
        }

        var check = await new PaymentStore(db).CheckAsync(operatorCode, ct);
        return TypedResults.Ok(new LedgerCheckResponse(
            check.Households, check.Balances, check.LedgerTotal.Yuan, check.ChargesTotal.Yuan, check.PaymentsTotal.Yuan, check.ReversalsTotal.Yuan, check.Mismatches));
    }
}

/// <summary>A household's ledger: what it owes or has in credit, what is overdue, and every charge with the payments that settled it.</summary>
public sealed record LedgerResponse(string Household, decimal Balance, decimal Open, decimal Credit, decimal Overdue, IReadOnlyList<LedgerChargeResponse> Charges)
{
    public static LedgerResponse From(string household, LedgerPosition position, AgingBuckets aging) => new(
        household,
        position.Balance.Yuan,
        position.Open.Yuan,
        position.Credit.Yuan,
        aging.Overdue.Yuan,
        position.Charges.Select(c => new LedgerChargeResponse(
            c.Charge.Period,
            c.Charge.DueDate,
            c.Charge.Amount.Yuan,
            c.Paid.Yuan,
            c.Open.Yuan,
            c.SettledBy.Select(s => new SettlementResponse(s.PaymentId, s.Amount.Yuan)).ToList())).ToList());
}

/// <summary>A month's charge: its statement total, what is paid of it and by which payments, and what is still open.</summary>
public sealed record LedgerChargeResponse(YearMonth Period, LocalDate DueDate, decimal Amount, decimal Paid, decimal Open, IReadOnlyList<SettlementResponse> SettledBy);

/// <summary>The part of a charge one payment settled.</summary>
public sealed record SettlementResponse(long Payment, decimal Amount);

/// <summary>A community's arrears on a date (欠费), by building and unit, each household with its contact and the ages of what it owes.</summary>
public sealed record ArrearsResponse(string Community, LocalDate AsOf, int Households, decimal Open, IReadOnlyList<ArrearsBuildingResponse> Buildings)
{
    public static ArrearsResponse From(string community, LocalDate asOf, IReadOnlyList<HouseholdArrears> rows) => new(
        community,
        asOf,
        rows.Count,
        Money.Sum(rows.Select(r => r.Position.Open)).Yuan,
        rows.GroupBy(r => (r.Details.Building, r.Details.Unit)).Select(g => new ArrearsBuildingResponse(
            g.Key.Building,
            g.Key.Unit,
            g.Select(r => new ArrearsHouseholdResponse(
                r.Household,
                r.Details.Room,
                r.Details.OwnerName,
                r.Details.Phone,
                r.Position.Open.Yuan,
                r.Aging.Days0To30.Yuan,
                r.Aging.Days31To90.Yuan,
                r.Aging.Days91To180.Yuan,
                r.Aging.Over180.Yuan)).ToList())).ToList());
}

public sealed record ArrearsBuildingResponse(string Building, string Unit, IReadOnlyList<ArrearsHouseholdResponse> Households);

/// <summary>A household in arrears: what is open, and how much of it is overdue by 0–30, 31–90, 91–180 and over 180 days.</summary>
public sealed record ArrearsHouseholdResponse(
    string Household, string Room, string Owner, string? Phone, decimal Open, decimal Days0To30, decimal Days31To90, decimal Days91To180, decimal Over180);

/// <summary>收缴率 of a month as of a date; <paramref name="Rate"/> is a share between 0 and 1, null (and the percent "—") when nothing was billed.</summary>
public sealed record CollectionRateResponse(YearMonth Period, LocalDate AsOf, decimal Billed, decimal Collected, decimal? Rate, string Percent);

/// <summary>The operator's ledger checked against the charges, payments and reversals it is built from; the mismatches name the households.</summary>
public sealed record LedgerCheckResponse(
    int Households, bool Balances, decimal LedgerTotal, decimal ChargesTotal, decimal PaymentsTotal, decimal ReversalsTotal, IReadOnlyList<string> Mismatches);
