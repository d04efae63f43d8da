using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure.Runs;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Api;

/// <summary>What a resident downloads: their statement PDF for a month, exactly as issued.</summary>
public static class ResidentStatementsApi
{
    public static ApiAudiences MapResidentStatementsApi(this ApiAudiences audiences)
    {
        audiences.Households.MapGet("/api/households/{household}/statements/{period}.pdf", GetStatementPdf)
            .WithName("GetStatementPdf");
        return audiences;
    }

    private static async Task<IResult> GetStatementPdf(
        string household, string period, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!HouseholdCode.TryParse(household, out var code))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid household code", $"'{household}' is not a household code.", "household");
        }

        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        var store = new StatementStore(db);
        var maySee = await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct);
        var pdf = maySee ? await store.PdfAsync(code, month, ct) : null;
        if (pdf is null && maySee && await store.IsIssuedAsync(code, month, ct))
        {
            // Issued (charged, on the ledger) by a run that draws its PDFs later: say so, rather than "no statement".
            http.Response.Headers.RetryAfter = "3600";
            return Problems.Field(StatusCodes.Status404NotFound, "Statement PDF not drawn yet",
                $"The statement of household {household} for {period} is issued; its PDF has not been drawn yet. Its lines are at /api/households/{household}/statements/{period}.", null);
        }

        if (pdf is null)
        {
            return Problems.Field(StatusCodes.Status404NotFound, "Statement not found",
                $"No statement has been issued for household {household} in {period}.", null);
        }

        // The stored bytes are what was issued; the hash lets residents and staff check a copy.
        http.Response.Headers.ETag = $"\"{pdf.Sha256}\"";
        http.Response.Headers["X-Content-SHA256"] = pdf.Sha256;
        return TypedResults.File(pdf.Content, "application/pdf", $"{pdf.StatementNo}.pdf");
    }
}
