using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core.Corrections;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Corrections;
using RedProperty.Billing.Infrastructure.Documents;

namespace RedProperty.Billing.Api;

/// <summary>A correction of an issued statement: the amount in yuan (negative for a credit) and why.</summary>
public sealed record AdjustmentRequest(decimal? Amount, string? Reason);

/// <summary>
/// Corrections of issued statements. The statement itself never changes: finance staff of its
/// operator record an adjustment, and the household's next statement bills it as a line naming
/// the statement it corrects. Residents see their own household's corrections.
/// </summary>
public static class AdjustmentsApi
{
    /// <summary>Send the same value again to retry a request safely: the correction is recorded once.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static ApiAudiences MapAdjustmentsApi(this ApiAudiences audiences)
    {
        audiences.FinanceStaff.MapPost("/api/statements/{statementNo}/adjustments", Record);
        audiences.Households.MapGet("/api/households/{household}/adjustments", List);
        return audiences;
    }

    private static async Task<Results<Created<AdjustmentResponse>, Ok<AdjustmentResponse>, ProblemHttpResult>> Record(
        string statementNo, AdjustmentRequest? body, [FromHeader(Name = IdempotencyKeyHeader)] string? key,
        NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var store = new AdjustmentStore(db);
        var grant = http.User.Grant();
        if (await store.HouseholdOfStatementAsync(statementNo, ct) is not { } household || !await scopes.MaySeeHouseholdAsync(grant, household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Statement not found", $"No issued statement {statementNo} among yours.", "statementNo");
        }

        if (body?.Amount is not { } amount)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Amount required", "amount is yuan with at most two decimals: positive is more to pay, negative is a credit.", "amount");
        }

        // Four eyes: above the operator's threshold a correction waits for a second person, which only the
        // console's corrections page provides; a token cannot record it on its own.
        var correction = new Core.Money(amount);
        var approvalAbove = DocumentContext.Default.CorrectionApprovalAbove(grant.Scope);
        if (StatementAdjustments.NeedsApproval(correction, approvalAbove))
        {
            return Problems.Field(StatusCodes.Status403Forbidden, "The correction needs a finance manager's approval; nothing was stored",
                $"Corrections larger than {approvalAbove.ToFenString()} yuan either way wait for a finance manager's approval: make this one on the console's corrections page (/console/corrections), where a second person approves it.",
                "amount");
        }

        try
        {
            var recorded = await store.RecordAsync(new AdjustmentInput(statementNo, correction, body.Reason, grant.Subject, key), ct);
            var response = AdjustmentResponse.From(recorded.Adjustment);
            return recorded.Duplicate ? TypedResults.Ok(response) : TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/households/{household}/adjustments"), response);
        }
        catch (InputRejectedException rejected) when (rejected.Errors.Count == 1)
        {
            var error = rejected.Errors[0];
            return Problems.Field(StatusCodes.Status400BadRequest, "The correction was rejected; nothing was stored", error.Message,
                error.Field == "key" ? IdempotencyKeyHeader : error.Field);
        }
        catch (InputRejectedException rejected)
        {
            return Problems.Rejected(rejected);
        }
        catch (AdjustmentConflictException conflict)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Idempotency key already used", conflict.Message, IdempotencyKeyHeader);
        }
    }

    private static async Task<Results<Ok<AdjustmentsResponse>, ProblemHttpResult>> List(
        string household, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Household not found", $"No household {household} among yours.", "household");
        }

        var adjustments = await new AdjustmentStore(db).ForHouseholdAsync(household, ct);
        return TypedResults.Ok(new AdjustmentsResponse(
            household,
            Core.Money.Sum(adjustments.Select(a => a.Applied)).Yuan,
            Core.Money.Sum(adjustments.Select(a => a.Pending)).Yuan,
            adjustments.Select(AdjustmentResponse.From).ToList()));
    }
}

/// <summary>A household's corrections: what later statements have billed of them (applied) and what they still have to bill (pending).</summary>
public sealed record AdjustmentsResponse(string Household, decimal Applied, decimal Pending, IReadOnlyList<AdjustmentResponse> Adjustments);

/// <summary>
/// A recorded correction and where it was billed. <paramref name="RecordedAt"/> keeps the fractions of a
/// second it was stored with (ISO 8601, UTC), unlike the Api's other times, so it stays a string here.
/// </summary>
public sealed record AdjustmentResponse(
    long Id,
    string Household,
    string CorrectsStatement,
    YearMonth CorrectsPeriod,
    decimal Amount,
    string Reason,
    string RecordedBy,
    string RecordedAt,
    string? Key,
    decimal Applied,
    decimal Pending,
    IReadOnlyList<AdjustmentApplicationResponse> Applications)
{
    public static AdjustmentResponse From(AdjustmentView a) => new(
        a.Id,
        a.Household,
        a.CorrectsStatementNo,
        a.CorrectsPeriod,
        a.Amount.Yuan,
        a.Reason,
        a.RecordedBy,
        InstantPattern.ExtendedIso.Format(a.RecordedAt),
        a.Key,
        a.Applied.Yuan,
        a.Pending.Yuan,
        a.Applications.Select(x => new AdjustmentApplicationResponse(x.StatementNo, x.Period, x.LineNo, x.Amount.Yuan)).ToList());
}

/// <summary>The statement line that billed (part of) a correction.</summary>
public sealed record AdjustmentApplicationResponse(string Statement, YearMonth Period, int LineNo, decimal Amount);
