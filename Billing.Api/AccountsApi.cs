using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Infrastructure.Accounts;

namespace RedProperty.Billing.Api;

/// <summary>
/// Community accounts (明白账) for finance staff of the community's operator: enter the month's
/// charging and other income and its spending, and read the accounts as JSON or as the PDF notice.
/// </summary>
public static class AccountsApi
{
    public static ApiAudiences MapAccountsApi(this ApiAudiences audiences)
    {
        audiences.FinanceStaff.MapPost("/api/communities/{community}/accounts/{period}/income", (string community, string period, EntryRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct) =>
            Enter(EntryDirection.Income, community, period, body, db, scopes, clock, http, ct));
        audiences.FinanceStaff.MapPost("/api/communities/{community}/accounts/{period}/spending", (string community, string period, EntryRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct) =>
            Enter(EntryDirection.Spending, community, period, body, db, scopes, clock, http, ct));
        audiences.FinanceStaff.MapGet("/api/communities/{community}/accounts/{period}.pdf", Pdf);
        audiences.FinanceStaff.MapGet("/api/communities/{community}/accounts/{period}", Read);
        return audiences;
    }

    /// <param name="Reference">The voucher number (凭证号); unique per community, it makes a repeated request harmless.</param>
    /// <param name="Corrects">The id of the entry this one corrects; the amount is then the difference and may be negative.</param>
    public sealed record EntryRequest(string? Category, decimal? Amount, string? Reference, string? Description, string? EnteredOn, long? Corrects);

    public sealed record EntryResponse(long Id, bool Duplicate, string Direction, string Category, string Label, decimal Amount, string Reference, string Description, string EnteredOn, long? Corrects);

    private static async Task<Results<Created<EntryResponse>, Ok<EntryResponse>, ProblemHttpResult>> Enter(
        EntryDirection direction, string community, string period, EntryRequest? body, NpgsqlDataSource db, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return problem;
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return NotYours(community);
        }

        if (body is null)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Body required", "Send the entry as JSON: category, amount, reference, description.", "category");
        }

        if (!AccountsCategory.TryParse(direction, body.Category, out var category))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid category", $"category is one of {AccountsCategory.Codes(direction)}.", "category");
        }

        if (body.Amount is not { } amount || amount == 0m || decimal.Round(amount, 2) != amount || Math.Abs(amount) > 9_999_999_999.99m
            || (amount < 0m && body.Corrects is null))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid amount",
                "amount is in yuan with at most two decimals, positive; only a correction (with 'corrects') may be negative.", "amount");
        }

        if (string.IsNullOrWhiteSpace(body.Reference) || body.Reference.Length > 64)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid reference", "reference is the voucher number (凭证号), 1 to 64 characters.", "reference");
        }

        if (string.IsNullOrWhiteSpace(body.Description) || body.Description.Length > 60)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid description", "description says what the money was for, 1 to 60 characters, as residents will read it.", "description");
        }

        if (!ApiInput.TryDate(body.EnteredOn, ApiInput.Today(clock), out var enteredOn, out var dateProblem, "enteredOn"))
        {
            return dateProblem;
        }

        try
        {
            var input = new AccountsEntryInput(community, month, category, Money.Of(amount), body.Reference.Trim(), body.Description.Trim(), enteredOn, body.Corrects);
            var recorded = await new CommunityAccountsStore(db).RecordAsync(input, $"api by {http.User.Grant().Subject}", ct);
            var e = recorded.Entry;
            var response = new EntryResponse(e.Id, recorded.Duplicate, AccountsCategory.DirectionCode(direction), category.Code, category.Label, e.Amount.Yuan, e.Reference, e.Description,
                NodaTime.Text.LocalDatePattern.Iso.Format(e.EnteredOn), e.Corrects);
            return recorded.Duplicate ? TypedResults.Ok(response) : TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/communities/{community}/accounts/{period}"), response);
        }
        catch (InputRejectedException rejected)
        {
            var error = rejected.Errors[0];
            return error.Code == "accounts.reference.conflict"
                ? Problems.Field(StatusCodes.Status409Conflict, "Reference already used", error.Message, error.Field)
                : Problems.Field(StatusCodes.Status400BadRequest, "The entry was rejected; nothing was stored", error.Message, error.Field);
        }
    }

    private static async Task<Results<Ok<AccountsResponse>, ProblemHttpResult>> Read(
        string community, string period, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var (accounts, problem) = await AccountsAsync(community, period, db, scopes, http, ct);
        return problem ?? (Results<Ok<AccountsResponse>, ProblemHttpResult>)TypedResults.Ok(AccountsResponse.From(accounts!));
    }

    private static async Task<IResult> Pdf(string community, string period, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        var (accounts, problem) = await AccountsAsync(community, period, db, scopes, http, ct);
        return problem is not null
            ? problem
            : TypedResults.File(CommunityAccountsPdf.Render(accounts!), "application/pdf", $"accounts-{community}-{period}.pdf");
    }

    private static async Task<(CommunityAccountsModel? Accounts, ProblemHttpResult? Problem)> AccountsAsync(
        string community, string period, NpgsqlDataSource db, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!ApiInput.TryPeriod(period, out var month, out var problem))
        {
            return (null, problem);
        }

        if (!await scopes.MayManageCommunityAsync(http.User.Grant(), community, ct))
        {
            return (null, NotYours(community));
        }

        var accounts = await new CommunityAccountsStore(db).ReadAsync(community, month, ct);
        return accounts is null ? (null, NotYours(community)) : (accounts, null);
    }

    private static ProblemHttpResult NotYours(string community) =>
        Problems.Field(StatusCodes.Status404NotFound, "Community not found", $"No community {community} among yours.", "community");

    /// <summary>The accounts as JSON: every line with its amount, how it was arrived at and where its figures are kept.</summary>
    public sealed record AccountsResponse(
        string Community, string CommunityName, string Operator, string Period,
        IReadOnlyList<AccountsResponse.Income> IncomeBySource, IReadOnlyList<AccountsResponse.Spending> SpendingByCategory,
        decimal TotalIncome, decimal TotalSpending, decimal Balance, decimal CarriedToNextMonth,
        AccountsResponse.Fees ResidentFees, AccountsResponse.Subsidy DistrictSubsidy, AccountsResponse.Parking? ParkingPool)
    {
        public static AccountsResponse From(CommunityAccountsModel a)
        {
            var i = a.Input;
            return new AccountsResponse(
                i.Community.Value, i.CommunityName, i.OperatorName, $"{i.Period.Year:D4}-{i.Period.Month:D2}",
                a.Income.Select(l => new Income(SourceCode(l.Source), l.Label, l.Amount.Yuan, l.Basis, l.Trace)).ToList(),
                a.Spending.Select(l => new Spending(l.Category.Code, l.Category.Label, l.Amount.Yuan, l.Trace,
                    l.Entries.Select(e => new Entry(e.Id, e.Amount.Yuan, e.Reference, e.Description, NodaTime.Text.LocalDatePattern.Iso.Format(e.EnteredOn), e.Corrects)).ToList())).ToList(),
                a.TotalIncome.Yuan, a.TotalSpending.Yuan, a.Balance.Yuan, a.CarriedToNextMonth.Yuan,
                new Fees(i.ResidentFees.Statements, i.ResidentFees.Billed.Yuan, i.ResidentFees.Payments, i.ResidentFees.Paid.Yuan, i.ResidentFees.Reversals, i.ResidentFees.Reversed.Yuan, i.ResidentFees.Collected.Yuan),
                new Subsidy(i.Subsidy.Lines, i.Subsidy.StandardFee.Yuan, i.Subsidy.DistrictShare.Yuan, i.Subsidy.Claim?.ClaimId, i.Subsidy.Claim?.Factor, i.Subsidy.Claim?.Claimed.Yuan, i.Subsidy.Claim?.Shortfall.Yuan),
                i.Parking is { } p ? new Parking(p.LeaseIncome.Yuan, p.CarryIn.Yuan, p.UsedForPermits.Yuan, p.CarryOut.Yuan, p.RateVersion) : null);
        }

        private static string SourceCode(IncomeSource source) => source switch
        {
            IncomeSource.ResidentFees => "resident-fees",
            IncomeSource.ResidentParking => "resident-parking",
            IncomeSource.DistrictSubsidy => "district-subsidy",
            IncomeSource.ParkingLeases => "parking-leases",
            IncomeSource.Charging => "charging",
            _ => "other",
        };

        public sealed record Income(string Source, string Label, decimal Amount, IReadOnlyList<string> Basis, string Trace);

        public sealed record Spending(string Category, string Label, decimal Amount, string Trace, IReadOnlyList<Entry> Entries);

        public sealed record Entry(long Id, decimal Amount, string Reference, string Description, string EnteredOn, long? Corrects);

        public sealed record Fees(int Statements, decimal Billed, int Payments, decimal Paid, int Reversals, decimal Reversed, decimal Collected);

        public sealed record Subsidy(int Lines, decimal StandardFee, decimal DistrictShare, long? ClaimId, decimal? Factor, decimal? Claimed, decimal? Shortfall);

        public sealed record Parking(decimal LeaseIncome, decimal CarryIn, decimal UsedForPermits, decimal CarryOut, string RateVersion);
    }
}
