using RedProperty.Billing.Core.Runs;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Access;
using RedProperty.Billing.Infrastructure.Register;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Subsidies;

namespace RedProperty.Billing.Api;

/// <summary>
/// District finance (区财政): evaluation scores, the subsidy reconciliation of a district and month
/// (JSON, CSV, PDF), and submitting claims, which freezes them.
/// </summary>
public static class DistrictFinanceApi
{
    public static ApiAudiences MapDistrictFinanceApi(this ApiAudiences audiences)
    {
        // Finance staff record the district's scores and submit their communities' claims;
        // district finance reads the reconciliation of its own district.
        audiences.FinanceStaff.MapPut("/api/communities/{community}/scores/{period}", PutScore);
        audiences.FinanceStaff.MapPost("/api/scores", ImportScores);
        audiences.Districts.MapGet("/api/districts/{district}/reconciliation/{period}.csv", ReconciliationCsv);
        audiences.Districts.MapGet("/api/districts/{district}/reconciliation/{period}.pdf", ReconciliationPdf);
        audiences.Districts.MapGet("/api/districts/{district}/reconciliation/{period}", Reconciliation);
        audiences.FinanceStaff.MapPost("/api/communities/{community}/claims/{period}", SubmitClaim);
        audiences.FinanceStaff.MapPost("/api/communities/{community}/claims/{period}/corrections", Correct);
        return audiences;
    }

    public sealed record ScoreRequest(decimal? Score);

    public sealed record CorrectionRequest(string? InPeriod, decimal? Amount, string? Reason);

    private static async Task<Results<Ok<ScoreRow>, ProblemHttpResult>> PutScore(
        string community, string period, ScoreRequest? body, NpgsqlDataSource db, SubsidyCatalog policies, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        if (body?.Score is not { } score || score < 0m || score > 100m)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid score", $"A score is between 0 and 100, got {body?.Score?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"}.", "score");
        }

        try
        {
            var row = new ScoreRow(community, month, score);
            await new SubsidyStore(db, policies).RecordScoresAsync([(row, "api", 1)], ct);
            return TypedResults.Ok(row);
        }
        catch (InputRejectedException rejected)
        {
            return Problems.Rejected(rejected);
        }
    }

    private static async Task<Results<Ok<int>, ProblemHttpResult>> ImportScores(
        HttpRequest request, NpgsqlDataSource db, SubsidyCatalog policies, ScopeDirectory scopes, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        try
        {
            var csvText = RegisterCsv.Decode(buffer.ToArray());
            if (CsvGuard.Check("scores.csv", csvText) is { } csvProblem)
            {
                return csvProblem;
            }

            var rows = RegisterCsv.ReadScores("scores.csv", new StringReader(csvText));
            var grant = request.HttpContext.User.Grant();
            var mine = await scopes.CommunitiesOfOperatorAsync(grant.Scope, ct);
            var foreign = rows.Where(r => !mine.Contains(r.Value.Community) && r.Value.Community.Length > 0)
                .Select(r => new InputError(r.Source, r.Row, "community_code", "access.scope", $"community {r.Value.Community} is not managed by operator {grant.Scope}"))
                .ToList();
            if (foreign.Count > 0)
            {
                return Problems.Forbidden(foreign);
            }

            return TypedResults.Ok(await new SubsidyStore(db, policies).RecordScoresAsync(rows.Select(r => (r.Value, r.Source, r.Row)).ToList(), ct));
        }
        catch (InputRejectedException rejected)
        {
            return Problems.Rejected(rejected);
        }
    }

    private static async Task<Results<Ok<ReconciliationResponse>, ProblemHttpResult>> Reconciliation(
        string district, string period, NpgsqlDataSource db, SubsidyCatalog policies, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var (rows, problem) = await RowsAsync(district, period, db, policies, scopes, http.User.Grant(), ct);
        return problem ?? (Results<Ok<ReconciliationResponse>, ProblemHttpResult>)TypedResults.Ok(ReconciliationResponse.From(district, period, rows!));
    }

    private static async Task<IResult> ReconciliationCsv(
        string district, string period, NpgsqlDataSource db, SubsidyCatalog policies, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var (rows, problem) = await RowsAsync(district, period, db, policies, scopes, http.User.Grant(), ct);
        return problem is not null
            ? problem
            : TypedResults.File(System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(ReconciliationReport.Csv(rows!))).ToArray(),
                "text/csv; charset=utf-8", $"reconciliation-{period}.csv");
    }

    private static async Task<IResult> ReconciliationPdf(
        string district, string period, NpgsqlDataSource db, SubsidyCatalog policies, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var (rows, problem) = await RowsAsync(district, period, db, policies, scopes, http.User.Grant(), ct);
        if (problem is not null)
        {
            return problem;
        }

        // Headed with the operators and district finance's sign-off, as the desk's own download is.
        var month = BillingPeriod.Parse(period);
        var desk = new DistrictDesk(db);
        var heading = new ReconciliationHeading(district, month, await desk.OperatorNamesAsync(district, Infrastructure.Documents.DocumentContext.Default, ct),
            await desk.SignOffsAsync(district, month, ct), null, DistrictDeskApi.DefaultStaleScoreMonths);
        return TypedResults.File(ReconciliationReport.Pdf(heading, rows!), "application/pdf", $"reconciliation-{period}.pdf");
    }

    private static async Task<Results<Created<ReconciliationResponse.Row>, ProblemHttpResult>> SubmitClaim(
        string community, string period, NpgsqlDataSource db, SubsidyCatalog policies, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        try
        {
            var row = await new SubsidyStore(db, policies).SubmitClaimAsync(community, month, ct);
            return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/districts/{row.District}/reconciliation/{period}"), ReconciliationResponse.Row.From(row));
        }
        catch (ClaimConflictException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "The claim cannot be submitted", e.Message, "period");
        }
        catch (ClaimNotFoundException e)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", e.Message, "community");
        }
    }

    private static async Task<Results<Created<long>, ProblemHttpResult>> Correct(
        string community, string period, CorrectionRequest? body, NpgsqlDataSource db, SubsidyCatalog policies, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var corrects, out var problem) || !ApiInput.TryPeriod(body?.InPeriod ?? string.Empty, out var inPeriod, out problem, "inPeriod"))
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        if (body!.Amount is not { } amount || amount == 0m || decimal.Round(amount, 2) != amount)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid amount", "An adjustment is a non-zero amount in yuan with at most two decimals.", "amount");
        }

        if (string.IsNullOrWhiteSpace(body.Reason))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Reason required", "Say why the claim is corrected.", "reason");
        }

        try
        {
            var id = await new SubsidyStore(db, policies).AdjustAsync(community, corrects, inPeriod, new Money(amount), body.Reason, ct);
            return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/communities/{community}/claims/{body.InPeriod}"), id);
        }
        catch (ClaimConflictException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "The correction cannot be recorded", e.Message, "period");
        }
        catch (ClaimNotFoundException e)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Community not found", e.Message, "community");
        }
    }

    /// <summary>District finance sees its own district only (403 for another); finance staff see their own communities in it.</summary>
    private static async Task<(IReadOnlyList<ReconciliationRow>? Rows, ProblemHttpResult? Problem)> RowsAsync(
        string district, string period, NpgsqlDataSource db, SubsidyCatalog policies, ScopeDirectory scopes, AccessGrant grant, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return (null, problem);
        }

        if (grant.Role == AccessRole.DistrictFinance && grant.Scope != district)
        {
            return (null, Problems.Field(StatusCodes.Status403Forbidden, "Another district", $"Your token is for district {grant.Scope}.", "district"));
        }

        IReadOnlyList<ReconciliationRow> rows = await new SubsidyStore(db, policies).ReconcileAsync(district, month, ct);
        if (grant.Role == AccessRole.FinanceStaff)
        {
            var mine = await scopes.CommunitiesOfOperatorAsync(grant.Scope, ct);
            rows = rows.Where(r => mine.Contains(r.CommunityCode)).ToList();
        }

        return rows.Count == 0
            ? (null, Problems.Field(StatusCodes.Status404NotFound, "District not found", $"No community belongs to district '{district}'.", "district"))
            : (rows, null);
    }

    private static ProblemHttpResult NotYours(string community) =>
        Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community");
}

public sealed record ReconciliationResponse(string District, string Period, IReadOnlyList<ReconciliationResponse.Row> Communities, bool AllChecksPassed)
{
    public static ReconciliationResponse From(string district, string period, IReadOnlyList<ReconciliationRow> rows) =>
        new(district, period, rows.Select(Row.From).ToList(), rows.All(r => r.AllPassed));

    public sealed record Row(
        string Community, string Name, int Households, decimal BilledArea, decimal StandardFee, decimal ResidentShare, decimal DistrictShare,
        string? PolicyVersion, decimal? Score, string? ScorePeriod, decimal? Factor, decimal? Claim, decimal? Shortfall, decimal Adjustments,
        decimal? TotalClaim, string Status, IReadOnlyList<Check> Checks)
    {
        public static Row From(ReconciliationRow r) => new(
            r.CommunityCode, r.CommunityName, r.Households, r.BilledArea, r.StandardFee.Yuan, r.ResidentShare.Yuan, r.DistrictShare.Yuan,
            r.PolicyVersion, r.Score, r.ScorePeriod is { } p ? $"{p.Year:D4}-{p.Month:D2}" : null, r.Factor, r.Claim?.Yuan, r.Shortfall?.Yuan,
            (r.Submitted?.Adjustments ?? r.Adjustments).Yuan, r.TotalClaim?.Yuan, r.Status,
            r.Checks.Select(c => new Check(c.Code, c.Name, c.Passed, c.Detail)).ToList());
    }

    public sealed record Check(string Code, string Name, bool Passed, string Detail);
}
