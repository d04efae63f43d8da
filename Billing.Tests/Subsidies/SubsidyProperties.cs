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

    private static decimal RateOf(int basis, int rateTenThousandths) => Bases[Math.Abs(basis) % 3] switch
    {
        SubsidyBasis.ShareOfStandard => Math.Abs(rateTenThousandths) % 10_001 / 10_000m,
        SubsidyBasis.PerArea => Math.Abs(rateTenThousandths) % 20_001 / 10_000m,
        _ => Math.Abs(rateTenThousandths) % 5_001 / 100m,
    };

    private static CommunityBill BillCommunity(SquareMetres[] areas, MonthScenario month, int basis, int rateTenThousandths, int? householdCapFen, int? communityCapFen)
    {
        var rate = RateOf(basis, rateTenThousandths);
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
    public bool Without_caps_each_district_line_is_recomputed_by_hand_from_its_fee_line(SquareMetres[] areas, MonthScenario month, int basis, int rate)
    {
        var bill = BillCommunity(areas, month, basis, rate, null, null);
        var method = Bases[Math.Abs(basis) % 3];
        var policyRate = RateOf(basis, rate);

        return bill.Succeeded && bill.Statements.All(s =>
        {
            // Each fee line is followed by its district line unless that would be 0.00.
            var expected = new List<decimal>();
            foreach (var fee in s.Lines.Where(l => l.Kind == "property_fee"))
            {
                var p = (Core.Fees.ProratedBasis)fee.Basis;
                var exact = method switch
                {
                    SubsidyBasis.PerArea => p.Quantity * policyRate * p.Share * p.Days / p.Denominator,
                    SubsidyBasis.ShareOfStandard => fee.Amount.Yuan * policyRate,
                    _ => policyRate * p.Days / p.Denominator,
                };
                var district = Math.Round(Math.Min(exact, fee.Amount.Yuan), 2, MidpointRounding.AwayFromZero);
                if (district != 0m)
                {
                    expected.Add(-district);
                }
            }

            return s.Lines.Where(l => l.Kind == SubsidyLines.Kind).Select(l => l.Amount.Yuan).SequenceEqual(expected);
        });
    }

    [BillingProperty]
    public bool A_cap_takes_the_uncapped_shares_down_to_exactly_the_cap_and_leaves_shares_under_it_alone(
        SquareMetres[] areas, MonthScenario month, int basis, int rate, int householdCap, int communityCap)
    {
        var uncapped = BillCommunity(areas, month, basis, rate, null, null);
        var capped = BillCommunity(areas, month, basis, rate, householdCap, communityCap);
        var perHousehold = Math.Abs(householdCap) % 10_000 / 100m;
        var perCommunity = Math.Abs(communityCap) % 1_000_000 / 100m;

        // The household cap alone, by hand: min(uncapped share, cap) for each household.
        var householdCapped = uncapped.Statements.Select(s => Math.Min(s.DistrictShare.Yuan, perHousehold)).ToList();
        var expectedTotal = Math.Min(householdCapped.Sum(), perCommunity);
        return capped.Statements.Select(s => s.DistrictShare.Yuan).Zip(householdCapped).All(x => x.First <= x.Second)
            && capped.DistrictShare.Yuan == expectedTotal
            && capped.Statements.Select(s => s.StandardFee).SequenceEqual(uncapped.Statements.Select(s => s.StandardFee));
    }

    [BillingProperty]
    public bool The_claim_is_the_district_share_times_the_band_factor_rounded_once(SquareMetres[] areas, MonthScenario month, int basis, int rate, decimal score)
    {
        var bill = BillCommunity(areas, month, basis, rate, null, null);
        var s = Math.Abs(score) % 100.01m;
        // The bands of the test policy, by hand: ≥ 90 → 100%, 80–89 → 90%, 60–79 → 70%, below 60 → nothing.
        var factor = s >= 90m ? 1.00m : s >= 80m ? 0.90m : s >= 60m ? 0.70m : 0m;

        var claim = SubsidyClaims.Claim(bill.DistrictShare, SubsidyTests.Policy().FactorFor(s), FenRounding.HalfAwayFromZero);

        return claim.Yuan == Math.Round(bill.DistrictShare.Yuan * factor, 2, MidpointRounding.AwayFromZero);
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
