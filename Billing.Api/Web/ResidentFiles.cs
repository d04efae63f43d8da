using Npgsql;
using NodaTime.Text;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure.Accounts;
using RedProperty.Billing.Infrastructure.Documents;
using RedProperty.Billing.Infrastructure.Payments;
using RedProperty.Billing.Infrastructure.Residents;
using RedProperty.Billing.Infrastructure.Statements;

namespace RedProperty.Billing.Api.Web;

/// <summary>The PDFs a resident downloads from their page: statements as issued, their receipts, their community's accounts notice.</summary>
public static class ResidentFiles
{
    public static IEndpointRouteBuilder MapResidentFiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/r/pdf").RequireAuthorization(ResidentAccess.Policy).ExcludeFromDescription();
        group.MapGet("/statements/{period}", Statement);
        group.MapGet("/receipts/{id:long}", Receipt);
        group.MapGet("/accounts/{period}", Accounts);
        return app;
    }

    private static async Task<IResult> Statement(string period, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var month = YearMonthPattern.Iso.Parse(period);
        if (!month.Success || !HouseholdCode.TryParse(http.User.Household(), out var household))
        {
            return Results.NotFound();
        }

        var pdf = await new StatementStore(db).PdfAsync(household, month.Value, ct);
        return pdf is null ? Results.NotFound() : Results.File(pdf.Content, "application/pdf", $"{pdf.StatementNo}.pdf");
    }

    /// <summary>
    /// The payment's one stored receipt, in the operator's series: the counter's own print when the
    /// cashier already issued it, otherwise issued now for a payment the resident made online.
    /// </summary>
    private static async Task<IResult> Receipt(long id, HttpContext http, NpgsqlDataSource db, DocumentContext documents, ResidentAccount account, CancellationToken ct)
    {
        if (!await account.OwnsPaymentAsync(http.User.Household(), id, ct))
        {
            return Results.NotFound();
        }

        var receipt = await new ReceiptStore(db, documents).IssueAsync(id, OnlineCashier, ct);
        return receipt is null ? Results.NotFound() : Results.File(receipt.Pdf, "application/pdf", $"{receipt.ReceiptNo}.pdf");
    }

    private const string OnlineCashier = "网上缴费";

    private static async Task<IResult> Accounts(string period, HttpContext http, NpgsqlDataSource db, ResidentAccount account, CancellationToken ct)
    {
        var month = YearMonthPattern.Iso.Parse(period);
        var household = await account.HouseholdAsync(http.User.Household(), ct);
        if (!month.Success || household is null)
        {
            return Results.NotFound();
        }

        var accounts = await new CommunityAccountsStore(db).ReadAsync(household.CommunityCode, month.Value, ct);
        return accounts is null ? Results.NotFound() : Results.File(CommunityAccountsPdf.Render(accounts), "application/pdf", $"明白账-{household.CommunityCode}-{period}.pdf");
    }
}
