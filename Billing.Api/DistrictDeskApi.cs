using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Runs;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api;

/// <summary>
/// The district desk (区财政): household-level subsidy detail to check against the statements,
/// claims by status, the sign-off of a month (审核通过 / 退回 with a reason) and an Excel download.
/// District finance of that district only; the access rule sits next to the endpoints.
/// </summary>
public static class DistrictDeskApi
{
    /// <summary>A score older than this many months before the billed month is flagged on the reconciliation.</summary>
    public const int DefaultStaleScoreMonths = DistrictDeskSettings.DefaultStaleScoreMonths;

    public static ApiAudiences MapDistrictDeskApi(this ApiAudiences audiences)
    {
        audiences.DistrictFinance.MapGet("/api/districts/{district}/subsidy-lines/{period}", SubsidyLines);
        audiences.DistrictFinance.MapGet("/api/districts/{district}/claims/{period}", Claims);
        audiences.Districts.MapGet("/api/districts/{district}/signoff/{period}", SignOffs);
        audiences.DistrictFinance.MapPost("/api/districts/{district}/signoff/{period}", SignOff);
        audiences.DistrictFinance.MapGet("/api/districts/{district}/reconciliation/{period}.xlsx", Excel);
        audiences.Districts.MapGet("/api/districts/{district}/reconciliation/{period}/signed.pdf", SignedPdf);
        return audiences;
    }

    public sealed record SignOffRequest(string? Decision, string? Reason);

    public sealed record SignOffResponse(long Id, string District, string Period, string Decision, string DecisionText, string? Reason, string SignedBy, string SignedAt);

    private static SignOffResponse Response(DistrictSignOff s) =>
        new(s.Id, s.District, BillingPeriod.Format(s.Period), s.Decision, s.DecisionText, s.Reason, s.SignedBy, InstantPattern.ExtendedIso.Format(s.SignedAt));

    private static async Task<Results<Ok<SubsidyLinesResponse>, ProblemHttpResult>> SubsidyLines(
        string district, string period, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var (month, problem) = await CheckAsync(district, period, db, http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var lines = await new DistrictDesk(db).SubsidyLinesAsync(district, month, ct);
        return TypedResults.Ok(SubsidyLinesResponse.From(district, month, lines));
    }

    /// <summary>The month's claims keyed by status ("submitted", "draft", "awaiting-score"), each with its communities and total.</summary>
    private static async Task<Results<Ok<IReadOnlyDictionary<string, ClaimsByStatusResponse>>, ProblemHttpResult>> Claims(
        string district, string period, NpgsqlDataSource db, SubsidyCatalog policies, HttpContext http, CancellationToken ct)
    {
        var (month, problem) = await CheckAsync(district, period, db, http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var rows = await new SubsidyStore(db, policies).ReconcileAsync(district, month, ct);
        return TypedResults.Ok<IReadOnlyDictionary<string, ClaimsByStatusResponse>>(rows.GroupBy(r => r.Status).ToDictionary(
            g => g.Key,
            g => new ClaimsByStatusResponse(
                g.Count(),
                g.Key == "awaiting-score" ? null : Core.Money.Sum(g.Select(r => r.TotalClaim ?? Core.Money.Zero)).Yuan,
                g.Select(ReconciliationResponse.Row.From).ToList())));
    }

    private static async Task<Results<Ok<IReadOnlyList<SignOffResponse>>, ProblemHttpResult>> SignOffs(
        string district, string period, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var (month, problem) = await CheckAsync(district, period, db, http, ct);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.Ok<IReadOnlyList<SignOffResponse>>((await new DistrictDesk(db).SignOffsAsync(district, month, ct)).Select(Response).ToList());
    }

    private static async Task<Results<Created<SignOffResponse>, ProblemHttpResult>> SignOff(
        string district, string period, SignOffRequest? body, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        var (month, problem) = await CheckAsync(district, period, db, http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var decision = body?.Decision?.Trim() switch
        {
            "approved" or "审核通过" => DistrictSignOff.Approved,
            "returned" or "退回" => DistrictSignOff.Returned,
            _ => null,
        };
        if (decision is null)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid decision", "decision is 'approved' (审核通过) or 'returned' (退回).", "decision");
        }

        if (decision == DistrictSignOff.Returned && string.IsNullOrWhiteSpace(body!.Reason))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Reason required", "A return says why, so the operator knows what to correct.", "reason");
        }

        if (body!.Reason is { Length: > 500 })
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Reason too long", "Keep the reason within 500 characters.", "reason");
        }

        var signed = await new DistrictDesk(db).SignOffAsync(district, month, decision, body.Reason, http.User.Grant().Subject, ct);
        return TypedResults.Created($"/api/districts/{district}/signoff/{period}", Response(signed));
    }

    /// <summary>The month as a workbook: the reconciliation by community and every household's subsidy line, Chinese heads.</summary>
    private static async Task<IResult> Excel(string district, string period, NpgsqlDataSource db, SubsidyCatalog policies, HttpContext http, CancellationToken ct)
    {
        var (month, problem) = await CheckAsync(district, period, db, http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var rows = await new SubsidyStore(db, policies).ReconcileAsync(district, month, ct);
        var lines = await new DistrictDesk(db).SubsidyLinesAsync(district, month, ct);
        var bytes = DistrictWorkbook.Build(rows, lines);
        return TypedResults.File(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"reconciliation-{district}-{period}.xlsx");
    }

    private static async Task<IResult> SignedPdf(string district, string period, NpgsqlDataSource db, SubsidyCatalog policies, IConfiguration configuration, HttpContext http, CancellationToken ct)
    {
        var (month, problem) = await CheckAsync(district, period, db, http, ct);
        if (problem is not null)
        {
            return problem;
        }

        return TypedResults.File(await DistrictReconciliation.PdfAsync(db, policies, district, month, DocumentContext.Default, DistrictDeskSettings.StaleScoreMonths(configuration), ct), "application/pdf", $"reconciliation-{district}-{period}.pdf");
    }

    /// <summary>District finance sees its own district only (403 for another); an unknown district is 404, never an empty 通过.</summary>
    private static async Task<(YearMonth Month, ProblemHttpResult? Problem)> CheckAsync(string district, string period, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return (default, problem);
        }

        var grant = http.User.Grant();
        if (grant.Role == AccessRole.DistrictFinance && grant.Scope != district)
        {
            return (month, Problems.Field(StatusCodes.Status403Forbidden, "Another district", $"Your token is for district {grant.Scope}.", "district"));
        }

        return await new DistrictDesk(db).KnowsDistrictAsync(district, ct)
            ? (month, null)
            : (month, Problems.Field(StatusCodes.Status404NotFound, "District not found", $"No community belongs to district '{district}'.", "district"));
    }
}

/// <summary>Every household's subsidy line of a district and month, checked against the statement it came from.</summary>
public sealed record SubsidyLinesResponse(string District, YearMonth Period, int Households, decimal DistrictTotal, int Mismatches, IReadOnlyList<SubsidyLineResponse> Lines)
{
    public static SubsidyLinesResponse From(string district, YearMonth period, IReadOnlyList<HouseholdSubsidyLine> lines) => new(
        district,
        period,
        lines.Select(l => l.Household).Distinct().Count(),
        Core.Money.Sum(lines.Select(l => l.DistrictAmount)).Yuan,
        lines.Count(l => !l.MatchesStatement),
        lines.Select(l => new SubsidyLineResponse(
            l.Community,
            l.Household,
            l.StatementNo,
            l.PolicyVersion,
            l.StandardAmount.Yuan,
            l.DistrictAmount.Yuan,
            l.StatementFee.Yuan,
            l.StatementSubsidy.Yuan,
            l.MatchesStatement,
            l.Formula)).ToList());
}

/// <summary>A household's subsidy line: the standard fee and the district's share, beside the statement's fee and subsidy lines.</summary>
public sealed record SubsidyLineResponse(
    string Community, string Household, string Statement, string PolicyVersion, decimal StandardAmount, decimal DistrictAmount,
    decimal StatementFee, decimal StatementSubsidy, bool MatchesStatement, string Formula);

/// <summary>The claims of one status: how many communities, their total (null while they await a score) and each community's row.</summary>
public sealed record ClaimsByStatusResponse(int Communities, decimal? Total, IReadOnlyList<ReconciliationResponse.Row> Rows);
