using FsCheck;
using FsCheck.Fluent;
using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Tests.Support;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>The split and claim invariants over random registers and policies.</summary>
[Trait("Category", "Core")]
public class SubsidyProperties
{
    private static readonly SubsidyBasis[] Bases = [SubsidyBasis.PerArea, SubsidyBasis.ShareOfStandard, SubsidyBasis.PerHousehold];

    private static CommunityBill BillCommunity(SquareMetres[] areas, MonthScenario month, int basis, int rateTenThousandths, int? householdCapFen, int? communityCapFen)
    {
        var rate = Bases[Math.Abs(basis) % 3] switch
        {
            SubsidyBasis.ShareOfStandard => Math.Abs(rateTenThousandths) % 10_001 / 10_000m,
            SubsidyBasis.PerArea => Math.Abs(rateTenThousandths) % 20_001 / 10_000m,
            _ => Math.Abs(rateTenThousandths) % 5_001 / 100m,
        };
        var policy = SubsidyTests.Policy(
            Bases[Math.Abs(basis) % 3], rate,
            householdCapFen is { } h ? new Money(Math.Abs(h) % 10_000 / 100m) : null,
            communityCapFen is { } c ? new Money(Math.Abs(c) % 1_000_000 / 100m) : null);
        var occupancy = new Timeline<Occupancy>(month.Occupancy.Select(o => new Dated<Occupancy>(o.From, o.Status)));
        var households = areas.Select((a, i) => Household(a.Value, occupancy) with { Code = new HouseholdCode($"T-{i}") });
        return BillingEngine.BillCommunity(Community(), households, Catalog(Book(month.Price.YuanPerSquareMetreMonth, vacancy: new Core.Rates.VacancyRule(0.7m))),
            month.Period, StatementCalendar.Default, null, SubsidyCatalog.Create([("p.json", policy)]));
    }

    [BillingProperty]
    public bool Resident_plus_district_equals_standard_to_the_fen_for_every_household_and_community(
        SquareMetres[] areas, MonthScenario month, int basis, int rate, int? householdCap, int? communityCap)
    {
        var bill = BillCommunity(areas, month, basis, rate, householdCap, communityCap);

        return bill.Succeeded
            && bill.Statements.All(s => s.ResidentShare + s.DistrictShare == s.StandardFee
                && s.DistrictShare >= Money.Zero && s.DistrictShare <= s.StandardFee
                && s.Lines.All(l => l.Amount.IsWholeFen)
                && s.Total >= Money.Zero)
            && Money.Sum(bill.Statements.Select(s => s.ResidentShare)) + bill.DistrictShare == bill.StandardFee;
    }

    [BillingProperty]
    public bool Caps_are_respected(SquareMetres[] areas, MonthScenario month, int basis, int rate, int householdCap, int communityCap)
    {
        var bill = BillCommunity(areas, month, basis, rate, householdCap, communityCap);
        var perHousehold = Math.Abs(householdCap) % 10_000 / 100m;
        var perCommunity = Math.Abs(communityCap) % 1_000_000 / 100m;

        return bill.Statements.All(s => s.DistrictShare.Yuan <= perHousehold) && bill.DistrictShare.Yuan <= perCommunity;
    }

    [BillingProperty]
    public bool The_claim_never_exceeds_the_district_share_and_the_shortfall_makes_up_the_rest(SquareMetres[] areas, MonthScenario month, int basis, int rate, decimal score)
    {
        var bill = BillCommunity(areas, month, basis, rate, null, null);
        var factor = SubsidyTests.Policy().FactorFor(Math.Abs(score) % 100.01m);
        var claim = SubsidyClaims.Claim(bill.DistrictShare, factor, FenRounding.HalfAwayFromZero);
        var shortfall = bill.DistrictShare - claim;

        return claim <= bill.DistrictShare && claim >= Money.Zero && shortfall >= Money.Zero && claim + shortfall == bill.DistrictShare;
    }

    [BillingProperty]
    public bool A_proportional_split_adds_up_exactly_and_never_gives_a_share_more_than_its_weight(PositiveInt[] weightsFen, int capFen)
    {
        var weights = weightsFen.Select(w => new Money(w.Get % 1_000_000 / 100m)).ToList();
        var total = Money.Sum(weights);
        var amount = new Money(Math.Min(Math.Abs(capFen) % 100_000_000 / 100m, total.Yuan));

        var shares = Allocation.Proportional(amount, weights);

        return weights.Count == 0
            || (total == Money.Zero ? shares.All(s => s == Money.Zero)
                : Money.Sum(shares) == amount && shares.Zip(weights).All(p => p.First <= p.Second && p.First >= Money.Zero));
    }
}
