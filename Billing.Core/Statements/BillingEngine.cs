using NodaTime;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;

namespace RedProperty.Billing.Core.Statements;

/// <summary>Statement dates, as data: when statements are issued and how long residents have to pay.</summary>
/// <param name="DaysToPay">Days between issue and due date.</param>
public sealed record StatementCalendar(int DaysToPay)
{
    public static readonly StatementCalendar Default = new(15);

    /// <summary>Statements for a month are dated the first day of the next month, so rerunning a month gives the same dates.</summary>
    public LocalDate IssueDate(YearMonth period) => period.PlusMonths(1).OnDayOfMonth(1);

    public LocalDate DueDate(YearMonth period) => IssueDate(period).PlusDays(DaysToPay);
}

/// <summary>Bills one community for one month: the pure heart of the monthly run.</summary>
public static class BillingEngine
{
    /// <summary>
    /// Statements for every household of <paramref name="community"/> in <paramref name="period"/>
    /// that has something to pay, or the problems that stop the community from being billed
    /// (all-or-nothing per community, so finance staff never see half a community billed).
    /// </summary>
    public static CommunityBill BillCommunity(
        Community community,
        IEnumerable<Household> households,
        RateCatalog rates,
        YearMonth period,
        StatementCalendar calendar,
        Func<HouseholdCode, HouseholdMonthInputs>? inputs = null,
        SubsidyCatalog? subsidies = null,
        Parking.ParkingMonth? parking = null)
    {
        var monthEnd = period.OnDayOfMonth(period.Calendar.GetDaysInMonth(period.Year, period.Month));
        if (community.BillingStart > monthEnd)
        {
            return new CommunityBill(community, period, [], [], NotYetBilled: true);
        }

        var statements = new List<StatementModel>();
        var problems = new List<InputError>();
        foreach (var household in households)
        {
            if (household.Community != community.Code)
            {
                continue;
            }

            var householdInputs = inputs?.Invoke(household.Code) ?? HouseholdMonthInputs.None;
            var bill = HouseholdBilling.Bill(community, household, rates, period, householdInputs, subsidies);
            if (bill.Problems.Count > 0)
            {
                problems.AddRange(bill.Problems);
                continue;
            }

            if (bill.Lines.Count > 0)
            {
                statements.Add(new StatementModel(
                    community, household, household.DetailsOn(monthEnd), period, bill.Lines, calendar.IssueDate(period), calendar.DueDate(period))
                {
                    Points = householdInputs.Points,
                });
            }
        }

        if (problems.Count > 0)
        {
            return new CommunityBill(community, period, [], problems, NotYetBilled: false);
        }

        var capped = subsidies is null ? statements : CommunityCaps.Apply(statements, subsidies);
        if (parking is null)
        {
            return new CommunityBill(community, period, capped, [], NotYetBilled: false);
        }

        var (withParking, distribution) = AddParking(capped, parking, HouseholdBilling.RoundingFor(community, rates, period));
        return new CommunityBill(community, period, withParking, [], NotYetBilled: false) { Parking = distribution, ParkingInput = parking };
    }

    /// <summary>
    /// The pool is shared over every permit of the community at once (an equal reduction per whole
    /// month held), so it is applied after all households are billed; each permit gets its price
    /// line and its reduction line, and what the pool cannot use is carried forward.
    /// </summary>
    private static (IReadOnlyList<StatementModel>, Parking.PoolDistribution) AddParking(IReadOnlyList<StatementModel> statements, Parking.ParkingMonth parking, FenRounding rounding)
    {
        var billed = statements.Select(s => s.Household.Code).ToHashSet();
        var permits = parking.Permits.Where(p => billed.Contains(p.Key)).SelectMany(p => p.Value).ToList();
        var distribution = Parking.ParkingPool.Distribute(parking.PoolIn, permits, rounding);
        var byPermit = distribution.Reductions.ToDictionary(r => r.Permit, StringComparer.Ordinal);
        var result = statements.Select(s =>
        {
            if (!parking.Permits.TryGetValue(s.Household.Code, out var own) || own.Count == 0)
            {
                return s;
            }

            var lines = s.Lines.ToList();
            foreach (var permit in own)
            {
                var price = new Parking.PermitBasis(permit.Permit, permit.StandardPrice, permit.Share, rounding);
                lines.Add(new ChargeLine(Parking.ParkingLines.PermitKind, "停车费（居民月卡）", parking.RateVersion, price.Amount, price));
                var reduction = byPermit[permit.Permit].Reduction;
                if (reduction > Money.Zero)
                {
                    var basis = new Parking.PoolReductionBasis(permit.Permit, distribution.PoolIn, permits.Count, reduction, permit.Floor, rounding);
                    lines.Add(new ChargeLine(Parking.ParkingLines.ReductionKind, "共享停车收益抵扣", parking.RateVersion, basis.Amount, basis));
                }
            }

            return s with { Lines = lines };
        }).ToList();
        return (result, distribution);
    }
}

/// <summary>The outcome of billing one community for one month.</summary>
public sealed record CommunityBill(
    Community Community,
    YearMonth Period,
    IReadOnlyList<StatementModel> Statements,
    IReadOnlyList<InputError> Problems,
    bool NotYetBilled)
{
    public bool Succeeded => Problems.Count == 0;

    public Money Total => Money.Sum(Statements.Select(s => s.Total));

    public Money StandardFee => Money.Sum(Statements.Select(s => s.StandardFee));

    public Money DistrictShare => Money.Sum(Statements.Select(s => s.DistrictShare));

    /// <summary>How the month's parking pool was shared, and what it carries forward.</summary>
    public Parking.PoolDistribution? Parking { get; init; }

    /// <summary>What the parking pool started from: the month's lease income and what earlier months carried in.</summary>
    public Parking.ParkingMonth? ParkingInput { get; init; }
}
