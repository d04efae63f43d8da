using Microsoft.AspNetCore.Http.HttpResults;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Api;

/// <summary>RFC 7807 problem documents that name what is wrong, so a client can point at the field or row.</summary>
internal static class Problems
{
    public static ProblemHttpResult Field(int status, string title, string detail, string? field) =>
        TypedResults.Problem(
            title: title,
            detail: detail,
            statusCode: status,
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult Forbidden(IReadOnlyList<InputError> errors) =>
        TypedResults.Problem(
            title: "Outside your scope; nothing was stored",
            detail: errors.Count == 1 ? errors[0].ToString() : $"{errors.Count} rows are outside your scope, listed in 'errors'.",
            statusCode: StatusCodes.Status403Forbidden,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors.Select(e => new { e.Source, e.Row, e.Field, e.Code, e.Message }).ToList(),
            });

    public static ProblemHttpResult Rejected(InputRejectedException rejected) =>
        TypedResults.Problem(
            title: "The data was rejected; nothing was stored",
            detail: rejected.Errors.Count == 1 ? rejected.Errors[0].ToString() : $"{rejected.Errors.Count} problems, listed in 'errors'.",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = rejected.Errors.Select(e => new { e.Source, e.Row, e.Field, e.Code, e.Message }).ToList(),
            });
}
