using RedProperty.Billing.Core.Runs;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Database;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api;

/// <summary>A page of a list: lists are never returned whole.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total)
{
    public Page<TOut> Select<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToList(), PageNumber, PageSize, Total);
}

/// <summary>Read endpoints: the rates in force, communities, households and statements, paged.</summary>
public static class ReadApi
{
    public const int MaxPageSize = 200;

    public static ApiAudiences MapReadApi(this ApiAudiences audiences)
    {
        audiences.SignedIn.MapGet("/api/rates", Rates);
        audiences.FinanceStaff.MapGet("/api/communities", Communities);
        audiences.FinanceStaff.MapGet("/api/communities/{community}/households", Households);
        audiences.Households.MapGet("/api/households/{household}/statements", Statements);
        audiences.Households.MapGet("/api/households/{household}/statements/{period}", Statement);
        return audiences;
    }

    /// <summary>Every rate book version and subsidy policy in force on a date (default today, Asia/Shanghai).</summary>
    private static Results<Ok<RatesResponse>, ProblemHttpResult> Rates(string? on, RateCatalog rates, SubsidyCatalog subsidies, IClock clock)
    {
        if (!ApiInput.TryDate(on, ApiInput.Today(clock), out var date, out var problem, "on"))
        {
            return problem;
        }

        return TypedResults.Ok(new RatesResponse(
            date,
            rates.RateBooks.Select(b => rates.InForce(b, date)).OfType<RateBookVersion>().Select(v => new RateBookResponse(
                v.VersionId,
                v.Title,
                v.Rounding.Name,
                v.Proration == Proration.ActualDays ? "actual-days" : "thirty-day-month",
                v.Prices.Select(p => new RateLevelResponse(
                    p.Level.ToString(),
                    p.BuildingType?.Name(),
                    p.Benchmark.YuanPerSquareMetreMonth,
                    p.Minimum.YuanPerSquareMetreMonth,
                    p.Maximum.YuanPerSquareMetreMonth)).ToList(),
                v.FeeItems.Select(i => new FeeItemResponse(i.Code, i.Label, i.Basis.ToString(), i.Rate, i.Unit)).ToList(),
                v.Vacancy?.Share)).ToList(),
            subsidies.InForce(date).Select(s => new SubsidyPolicyResponse(
                s.VersionId,
                s.Title,
                s.District,
                s.Basis.ToString(),
                s.Rate,
                s.Bands.Select(b => new SubsidyBandResponse(b.MinScore, b.Factor)).ToList())).ToList()));
    }

    private static async Task<Results<Ok<Page<CommunityItem>>, ProblemHttpResult>> Communities(int? page, int? pageSize, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        if (Paging(page, pageSize) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(await PageAsync<CommunityItem>(
            db,
            "select count(*) from community where operator_code = @k",
            "select code, name, district, rate_book, billing_start from community where operator_code = @k order by code offset @o limit @l",
            new { k = http.User.Grant().Scope },
            page,
            pageSize,
            ct));
    }

    private static async Task<Results<Ok<Page<HouseholdItem>>, ProblemHttpResult>> Households(
        string community, int? page, int? pageSize, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (Paging(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community");
        }

        return TypedResults.Ok(await PageAsync<HouseholdItem>(
            db,
            "select count(*) from household where community_code = @k",
            """
            select h.code, v.building, v.unit, v.room, v.building_area as area, v.owner_name as owner
            from household h
            join lateral (select * from household_version v where v.household_code = h.code order by effective_from desc limit 1) v on true
            where h.community_code = @k order by h.code offset @o limit @l
            """,
            new { k = community },
            page,
            pageSize,
            ct));
    }

    private static async Task<Results<Ok<Page<StatementItem>>, ProblemHttpResult>> Statements(
        string household, int? page, int? pageSize, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (Paging(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Household not found", $"No household {household} among yours.", "household");
        }

        var rows = await PageAsync<StatementListRow>(
            db,
            "select count(*) from statement where household_code = @k",
            "select s.statement_no, s.period, s.total, s.due_date, p.pdf_sha256 from statement s left join statement_pdf p on p.statement_id = s.id where s.household_code = @k order by s.period desc offset @o limit @l",
            new { k = household },
            page,
            pageSize,
            ct);
        return TypedResults.Ok(rows.Select(r => r.ToItem(household)));
    }

    /// <summary>A statement as JSON: every line with its formula and rate version, exactly as issued.</summary>
    private static async Task<Results<Ok<StatementResponse>, ProblemHttpResult>> Statement(
        string household, string period, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Statement not found", $"No statement of {household} for {period}.", null);
        }

        // One round trip: the statement's head repeated on each of its lines (residents open this on statement day).
        var rows = await db.QueryRowsAsync<StatementLineRow>(
            """
            select s.statement_no, s.total, s.previous_balance, s.payments_since, s.amount_due, s.issue_date, s.due_date, p.pdf_sha256,
                   l.line_no, l.kind, l.label, l.formula, l.rate_version, l.amount
            from statement s
            join statement_line l on l.statement_id = s.id
            left join statement_pdf p on p.statement_id = s.id
            where s.household_code = @h and s.period = @p
            order by l.line_no
            """,
            new { h = household, p = month.OnDayOfMonth(1) },
            ct);

        // A statement always has lines; one without any was never issued as far as a reader can tell.
        if (rows.Count == 0)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Statement not found", $"No statement of {household} for {period}.", null);
        }

        var head = rows[0];
        return TypedResults.Ok(new StatementResponse(
            head.StatementNo,
            household,
            month,
            head.Total,
            head.PreviousBalance,
            head.PaymentsSince,
            head.AmountDue,
            head.IssueDate,
            head.DueDate,
            head.PdfSha256,
            [.. rows.Select(r => new StatementLineResponse(r.LineNo, r.Kind, r.Label, r.Formula, r.RateVersion, r.Amount))]));
    }

    internal static ProblemHttpResult? Paging(int? page, int? pageSize) =>
        page is < 1 ? Problems.Field(StatusCodes.Status400BadRequest, "Invalid page", "page starts at 1.", "page")
        : pageSize is < 1 or > MaxPageSize ? Problems.Field(StatusCodes.Status400BadRequest, "Invalid page size", $"pageSize is 1 to {MaxPageSize}.", "pageSize")
        : null;

    /// <summary>
    /// One page of a keyed list, rows mapped by column name into <typeparamref name="TRow"/>: the total
    /// from <paramref name="countSql"/>, the items from <paramref name="pageSql"/>, which use the
    /// values of <paramref name="parameters"/> and @o, @l for the page's offset and size.
    /// </summary>
    internal static async Task<Page<TRow>> PageAsync<TRow>(
        NpgsqlDataSource db, string countSql, string pageSql, object parameters, int? page, int? pageSize, CancellationToken ct)
    {
        var size = pageSize ?? 50;
        var total = await db.QueryRowAsync<long>(countSql, parameters, ct);
        var bound = new DynamicParameters(parameters);
        bound.Add("o", ((long)(page ?? 1) - 1) * size);
        bound.Add("l", size);
        var items = await db.QueryRowsAsync<TRow>(pageSql, bound, ct);
        return new Page<TRow>(items, page ?? 1, size, total);
    }
}

/// <summary>The rate books and subsidy policies in force on a date.</summary>
public sealed record RatesResponse(LocalDate On, IReadOnlyList<RateBookResponse> RateBooks, IReadOnlyList<SubsidyPolicyResponse> Subsidies);

public sealed record RateBookResponse(
    string Version, string Title, string Rounding, string Proration, IReadOnlyList<RateLevelResponse> Levels, IReadOnlyList<FeeItemResponse> FeeItems, decimal? VacancyShare);

public sealed record RateLevelResponse(string Level, string? BuildingType, decimal Benchmark, decimal Minimum, decimal Maximum);

public sealed record FeeItemResponse(string Code, string Label, string Basis, decimal Rate, string? Unit);

public sealed record SubsidyPolicyResponse(string Version, string Title, string District, string Basis, decimal Rate, IReadOnlyList<SubsidyBandResponse> Bands);

public sealed record SubsidyBandResponse(decimal MinScore, decimal Factor);

/// <summary>A community of the caller's operator.</summary>
public sealed record CommunityItem(string Code, string Name, string District, string RateBook, LocalDate BillingStart);

/// <summary>A household with its current details.</summary>
public sealed record HouseholdItem(string Code, string Building, string Unit, string Room, decimal Area, string Owner);

/// <summary>A statement in a household's list; <paramref name="Pdf"/> and <paramref name="Sha256"/> are null while its run is still drawing the PDF.</summary>
public sealed record StatementItem(string StatementNo, YearMonth Period, decimal Total, LocalDate DueDate, string? Pdf, string? Sha256);

/// <summary>A statement as issued, every line with its formula and rate version.</summary>
public sealed record StatementResponse(
    string StatementNo,
    string Household,
    YearMonth Period,
    decimal Total,
    decimal? PreviousBalance,
    decimal? PaymentsSince,
    decimal? AmountDue,
    LocalDate IssueDate,
    LocalDate DueDate,
    string? PdfSha256,
    IReadOnlyList<StatementLineResponse> Lines);

public sealed record StatementLineResponse(int LineNo, string Kind, string Label, string Formula, string RateVersion, decimal Amount);

internal sealed record StatementListRow(string StatementNo, LocalDate Period, decimal Total, LocalDate DueDate, string? PdfSha256)
{
    public StatementItem ToItem(string household)
    {
        var period = Period.ToYearMonth();
        return new StatementItem(
            StatementNo,
            period,
            Total,
            DueDate,
            PdfSha256 is null ? null : $"/api/households/{household}/statements/{BillingPeriod.Format(period)}.pdf",
            PdfSha256);
    }
}

internal sealed record StatementLineRow(
    string StatementNo, decimal Total, decimal? PreviousBalance, decimal? PaymentsSince, decimal? AmountDue, LocalDate IssueDate, LocalDate DueDate, string? PdfSha256,
    int LineNo, string Kind, string Label, string Formula, string RateVersion, decimal Amount);
