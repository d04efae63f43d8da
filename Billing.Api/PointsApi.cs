using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NodaTime;
using NodaTime.Extensions;
using NodaTime.Text;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Infrastructure.Points;

namespace RedProperty.Billing.Api;

/// <summary>Volunteer points: staff record services and redemptions; residents see their balance and history.</summary>
public static class PointsApi
{
    public static ApiAudiences MapPointsApi(this ApiAudiences audiences)
    {
        audiences.FinanceStaff.MapPost("/api/households/{household}/points/earnings", Earn);
        audiences.FinanceStaff.MapPost("/api/households/{household}/points/redemptions", Redeem);
        audiences.Households.MapGet("/api/households/{household}/points", Show);
        audiences.FinanceStaff.MapPost("/api/vouchers/{voucher}/use", UseVoucher).RequireRateLimiting(RateLimits.Payments);
        return audiences;
    }

    public sealed record EarnRequest(string? Service, string? On, string? ConfirmedBy);

    public sealed record RedeemRequest(string? Reward, int? Points);

    public sealed record VoucherRequest(string? UsedBy);

    private static async Task<Results<Created<long>, ProblemHttpResult>> Earn(
        string household, EarnRequest? body, NpgsqlDataSource db, PointsCatalogues catalogues, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Service))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Service required", "Name the volunteer service from the catalogue.", "service");
        }

        if (string.IsNullOrWhiteSpace(body.ConfirmedBy))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Confirmation required", "Every earning records who confirmed the service.", "confirmedBy");
        }

        var today = ApiInput.Today(clock);
        if (!ApiInput.TryDate(body.On, today, out var on, out var problem, "on"))
        {
            return problem;
        }

        if (on > today)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Invalid date", "on is the day of the service, which cannot be in the future.", "on");
        }

        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return NotYours(household);
        }

        try
        {
            var id = await new PointsStore(db, catalogues).EarnAsync(household, body.Service, on, body.ConfirmedBy, ct);
            return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/households/{household}/points"), id);
        }
        catch (PointsRefusedException e)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Service not recorded", e.Message, "service");
        }
    }

    private static async Task<Results<Created<Redemption>, ProblemHttpResult>> Redeem(
        string household, RedeemRequest? body, NpgsqlDataSource db, PointsCatalogues catalogues, ScopeDirectory scopes, IClock clock, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.Reward))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Reward required", "Name the reward from the catalogue.", "reward");
        }

        if (body.Points is not > 0)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Points required", "Say how many points to redeem.", "points");
        }

        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return NotYours(household);
        }

        try
        {
            var redemption = await new PointsStore(db, catalogues).RedeemAsync(household, body.Reward, body.Points.Value, ApiInput.Today(clock), ct);
            return TypedResults.Created(ResponseHeaders.EncodeLocation($"/api/households/{household}/points"), redemption);
        }
        catch (PointsRefusedException e)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "Redemption refused; nothing changed", e.Message, "points");
        }
    }

    private static async Task<Results<Ok<PointsResponse>, ProblemHttpResult>> Show(
        string household, NpgsqlDataSource db, PointsCatalogues catalogues, ScopeDirectory scopes, HttpContext http, CancellationToken ct)
    {
        if (!await scopes.MaySeeHouseholdAsync(http.User.Grant(), household, ct))
        {
            return NotYours(household);
        }

        var store = new PointsStore(db, catalogues);
        var position = await store.PositionAsync(household, ct);
        var history = await store.HistoryAsync(household, ct);
        return TypedResults.Ok(new PointsResponse(
            household,
            position.Balance,
            position.Earned,
            position.Redeemed,
            position.Expired,
            history.Select(h => new PointsHistoryItem(h.Id, h.Kind, h.Points, h.On, h.What, h.ConfirmedBy)).ToList(),
            position.Uses.Select(u => new PointsUseItem(u.EarningId, u.SpendingId, u.Points)).ToList()));
    }

    /// <summary>A household's points: the balance, every earning and spending, and which earning each spending used.</summary>
    public sealed record PointsResponse(
        string Household, int Balance, int Earned, int Redeemed, int Expired, IReadOnlyList<PointsHistoryItem> History, IReadOnlyList<PointsUseItem> Uses);

    public sealed record PointsHistoryItem(long Id, string Kind, int Points, LocalDate On, string What, string? ConfirmedBy);

    public sealed record PointsUseItem(long Earning, long UsedBy, int Points);

    private static async Task<Results<NoContent, ProblemHttpResult>> UseVoucher(
        string voucher, VoucherRequest? body, NpgsqlDataSource db, PointsCatalogues catalogues, HttpContext http, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body?.UsedBy))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "Who used it", "Record who used the voucher (the staff member or the car park).", "usedBy");
        }

        return await new PointsStore(db, catalogues).UseVoucherAsync(voucher, body.UsedBy, http.User.Grant().Scope, ct) switch
        {
            VoucherUse.Used => TypedResults.NoContent(),
            VoucherUse.AlreadyUsed => Problems.Field(StatusCodes.Status409Conflict, "Voucher not usable", $"voucher {voucher} was already used", "voucher"),
            _ => Problems.Field(StatusCodes.Status404NotFound, "Voucher not found", $"No voucher {voucher} among your households'.", "voucher"),
        };
    }

    private static ProblemHttpResult NotYours(string household) =>
        Problems.Field(StatusCodes.Status404NotFound, "Household not found", $"No household {household} among yours.", "household");
}
