using RedProperty.Billing.Core.Runs;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using NodaTime.Text;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Runs;

namespace RedProperty.Billing.Api;

/// <summary>A page of a list: lists are never returned whole.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, long Total);

/// <summary>Read endpoints: the rates in force, communities, households and statements, paged.</summary>
public static class ReadApi
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapReadApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/rates", Rates).RequireAuthorization();
        app.MapGet("/api/communities", Communities).RequireAuthorization(Access.FinanceStaff);
        app.MapGet("/api/communities/{community}/households", Households).RequireAuthorization(Access.FinanceStaff);
        app.MapGet("/api/households/{household}/statements", Statements).RequireAuthorization(Access.FinanceOrResident);
        app.MapGet("/api/households/{household}/statements/{period}", Statement).RequireAuthorization(Access.FinanceOrResident);
        return app;
    }

    /// <summary>Every rate book version and subsidy policy in force on a date (default today, Asia/Shanghai).</summary>
    private static IResult Rates(string? on, RateCatalog rates, SubsidyCatalog subsidies, IClock clock)
    {
        if (!ApiInput.TryDate(on, ApiInput.Today(clock), out var date, out var problem, "on"))
        {
            return problem;
        }

        return TypedResults.Ok(new
        {
            on = LocalDatePattern.Iso.Format(date),
            rateBooks = rates.RateBooks.Select(b => rates.InForce(b, date)).OfType<RateBookVersion>().Select(v => new
            {
                version = v.VersionId,
                v.Title,
                rounding = v.Rounding.Name,
                proration = v.Proration == Proration.ActualDays ? "actual-days" : "thirty-day-month",
                levels = v.Prices.Select(p => new
                {
                    level = p.Level.ToString(),
                    buildingType = p.BuildingType?.Name(),
                    benchmark = p.Benchmark.YuanPerSquareMetreMonth,
                    minimum = p.Minimum.YuanPerSquareMetreMonth,
                    maximum = p.Maximum.YuanPerSquareMetreMonth,
                }),
                feeItems = v.FeeItems.Select(i => new { i.Code, i.Label, basis = i.Basis.ToString(), i.Rate, i.Unit }),
                vacancyShare = v.Vacancy?.Share,
            }),
            subsidies = subsidies.InForce(date).Select(s => new
            {
                version = s.VersionId,
                s.Title,
                s.District,
                basis = s.Basis.ToString(),
                s.Rate,
                bands = s.Bands.Select(b => new { b.MinScore, b.Factor }),
            }),
        });
    }

    private static async Task<IResult> Communities(int? page, int? pageSize, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        if (Paging(page, pageSize) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(await PageAsync(
            db,
            "select count(*) from community where operator_code = @k",
            "select code, name, district, rate_book, billing_start from community where operator_code = @k order by code offset @o limit @l",
            http.User.Grant().Scope,
            page,
            pageSize,
            reader => new
            {
                code = reader.GetString(0),
                name = reader.GetString(1),
                district = reader.GetString(2),
                rateBook = reader.GetString(3),
                billingStart = LocalDatePattern.Iso.Format(reader.GetFieldValue<LocalDate>(4)),
            },
            ct));
    }

    private static async Task<IResult> Households(string community, int? page, int? pageSize, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (Paging(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community");
        }

        return TypedResults.Ok(await PageAsync(
            db,
            "select count(*) from household where community_code = @k",
            """
            select h.code, v.building, v.unit, v.room, v.building_area, v.owner_name
            from household h
            join lateral (select * from household_version v where v.household_code = h.code order by effective_from desc limit 1) v on true
            where h.community_code = @k order by h.code offset @o limit @l
            """,
            community,
            page,
            pageSize,
            reader => new
            {
                code = reader.GetString(0),
                building = reader.GetString(1),
                unit = reader.GetString(2),
                room = reader.GetString(3),
                area = reader.GetDecimal(4),
                owner = reader.GetString(5),
            },
            ct));
    }

    private static async Task<IResult> Statements(string household, int? page, int? pageSize, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (Paging(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Household not found", $"No household {household} among yours.", "household");
        }

        return TypedResults.Ok(await PageAsync(
            db,
            "select count(*) from statement where household_code = @k",
            "select s.statement_no, s.period, s.total, s.due_date, p.pdf_sha256 from statement s left join statement_pdf p on p.statement_id = s.id where s.household_code = @k order by s.period desc offset @o limit @l",
            household,
            page,
            pageSize,
            reader =>
            {
                var period = BillingPeriod.Format(reader.GetFieldValue<LocalDate>(1).ToYearMonth());
                return new
                {
                    statementNo = reader.GetString(0),
                    period,
                    total = reader.GetDecimal(2),
                    dueDate = LocalDatePattern.Iso.Format(reader.GetFieldValue<LocalDate>(3)),
                    // Null while the run that issued it is still drawing its PDF.
                    pdf = reader.IsDBNull(4) ? null : $"/api/households/{household}/statements/{period}.pdf",
                    sha256 = reader.IsDBNull(4) ? null : reader.GetString(4),
                };
            },
            ct));
    }

    /// <summary>A statement as JSON: every line with its formula and rate version, exactly as issued.</summary>
    private static async Task<IResult> Statement(string household, string period, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Statement not found", $"No statement of {household} for {period}.", null);
        }

        await using var cmd = db.CreateCommand(
            """
            select s.statement_no, s.total, s.issue_date, s.due_date, p.pdf_sha256, l.line_no, l.kind, l.label, l.formula, l.rate_version, l.amount,
                   s.previous_balance, s.payments_since, s.amount_due
            from statement s join statement_line l on l.statement_id = s.id left join statement_pdf p on p.statement_id = s.id
            where s.household_code = @h and s.period = @p order by l.line_no
            """);
        cmd.Parameters.AddWithValue("h", household);
        cmd.Parameters.AddWithValue("p", month.OnDayOfMonth(1));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var lines = new List<object>();
        (string No, decimal Total, LocalDate Issue, LocalDate Due, string? Sha, decimal? Previous, decimal? Since, decimal? AmountDue)? head = null;
        decimal? Optional(int i) => reader.IsDBNull(i) ? null : reader.GetDecimal(i);
        while (await reader.ReadAsync(ct))
        {
            head ??= (reader.GetString(0), reader.GetDecimal(1), reader.GetFieldValue<LocalDate>(2), reader.GetFieldValue<LocalDate>(3), reader.IsDBNull(4) ? null : reader.GetString(4), Optional(11), Optional(12), Optional(13));
            lines.Add(new
            {
                lineNo = reader.GetInt32(5),
                kind = reader.GetString(6),
                label = reader.GetString(7),
                formula = reader.GetString(8),
                rateVersion = reader.GetString(9),
                amount = reader.GetDecimal(10),
            });
        }

        return head is not { } h
            ? Problems.Field(StatusCodes.Status404NotFound, "Statement not found", $"No statement of {household} for {period}.", null)
            : TypedResults.Ok(new
            {
                statementNo = h.No,
                household,
                period,
                total = h.Total,
                previousBalance = h.Previous,
                paymentsSince = h.Since,
                amountDue = h.AmountDue,
                issueDate = LocalDatePattern.Iso.Format(h.Issue),
                dueDate = LocalDatePattern.Iso.Format(h.Due),
                pdfSha256 = h.Sha,
                lines,
            });
    }

    internal static ProblemHttpResult? Paging(int? page, int? pageSize) =>
        page is < 1 ? Problems.Field(StatusCodes.Status400BadRequest, "Invalid page", "page starts at 1.", "page")
        : pageSize is < 1 or > MaxPageSize ? Problems.Field(StatusCodes.Status400BadRequest, "Invalid page size", $"pageSize is 1 to {MaxPageSize}.", "pageSize")
        : null;

    /// <summary>One page of a keyed list: the total from <paramref name="countSql"/>, the items from <paramref name="pageSql"/> (@k, @o, @l, and whatever <paramref name="bind"/> adds).</summary>
    internal static async Task<Page<object>> PageAsync(
        NpgsqlDataSource db, string countSql, string pageSql, string key, int? page, int? pageSize, Func<NpgsqlDataReader, object> map, CancellationToken ct,
        Action<NpgsqlParameterCollection>? bind = null)
    {
        var size = pageSize ?? 50;
        long total;
        await using (var count = db.CreateCommand(countSql))
        {
            count.Parameters.AddWithValue("k", key);
            bind?.Invoke(count.Parameters);
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        await using var cmd = db.CreateCommand(pageSql);
        cmd.Parameters.AddWithValue("k", key);
        bind?.Invoke(cmd.Parameters);
        cmd.Parameters.AddWithValue("o", ((long)(page ?? 1) - 1) * size);
        cmd.Parameters.AddWithValue("l", size);
        var items = new List<object>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            items.Add(map(reader));
        }

        return new Page<object>(items, page ?? 1, size, total);
    }
}
