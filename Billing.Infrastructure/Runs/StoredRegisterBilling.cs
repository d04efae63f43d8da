using System.Runtime.CompilerServices;
using NodaTime;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Infrastructure.Register;

namespace RedProperty.Billing.Infrastructure.Runs;

/// <summary>
/// Bills communities from the stored register and the rate books, one community at a time.
/// Both the monthly job (which stores the result) and the dry run (which only shows it) use it,
/// so a preview computes exactly what a run would issue.
/// </summary>
public sealed class StoredRegisterBilling(
    RegisterStore register, RateCatalog rates, SubsidyCatalog subsidies, StatementCalendar calendar, Core.Parking.ParkingRateBook? parking = null)
{
    private static readonly NodaTime.DateTimeZone Shanghai = NodaTime.DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public async IAsyncEnumerable<CommunityBill> BillAsync(
        YearMonth period, IReadOnlyCollection<CommunityCode>? only, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var community in await register.CommunitiesAsync(only, ct))
        {
            var households = await register.HouseholdsAsync(community.Code, ct);
            var meters = await register.MeterReadingsAsync(community.Code, period, ct);
            var points = await new Points.PointsStore(register.DataSource, Core.Points.PointsCatalogues.Empty).MonthAsync(community.Code.Value, period, ct);
            var adjustments = await new Corrections.AdjustmentStore(register.DataSource).MonthAsync(community.Code.Value, period, ct);
            var parkingMonth = parking is null
                ? null
                : await new Parking.LeaseStore(register.DataSource).MonthAsync(community.Code.Value, community.OperatorCode, period, parking, Shanghai, ct);
            yield return BillingEngine.BillCommunity(community, households, rates, period, calendar, Inputs(meters, points, adjustments), subsidies, parkingMonth);
        }
    }

    /// <summary>
    /// Per-household inputs besides the register: meter readings, fee credit and the points summary
    /// from volunteer points, and corrections of earlier statements still to bill.
    /// </summary>
    private static Func<HouseholdCode, HouseholdMonthInputs> Inputs(
        IReadOnlyDictionary<HouseholdCode, Dictionary<string, decimal>> meters,
        IReadOnlyDictionary<string, (Core.Money PendingCredit, Core.Points.PointsSummary Summary)> points,
        IReadOnlyDictionary<string, IReadOnlyList<Core.Corrections.PendingAdjustment>> adjustments) =>
        code =>
        {
            var inputs = meters.TryGetValue(code, out var readings) ? new HouseholdMonthInputs(readings) : HouseholdMonthInputs.None;
            inputs = points.TryGetValue(code.Value, out var p) ? inputs with { PointsCredit = p.PendingCredit, Points = p.Summary } : inputs;
            return adjustments.TryGetValue(code.Value, out var pending) ? inputs with { Adjustments = pending } : inputs;
        };
}
