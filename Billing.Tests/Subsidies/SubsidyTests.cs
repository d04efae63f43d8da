using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Tests.Support;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>Worked examples of the district's share, each computed by hand in its comment.</summary>
[Trait("Category", "Core")]
public class SubsidyTests
{
    private static readonly YearMonth October2026 = new(2026, 10);

    private static readonly PayoutBand[] DomainBands =
    [
        new(90m, 1.00m), new(80m, 0.90m), new(60m, 0.70m), new(0m, 0m),
    ];

    public static SubsidyPolicyVersion Policy(
        SubsidyBasis basis = SubsidyBasis.PerArea,
        decimal rate = 0.10m,
        Money? householdCap = null,
        Money? communityCap = null,
        string name = "test-subsidy",
        string district = "测试区",
        LocalDate? from = null) =>
        new(name, name, district, null, null, from ?? Start, null, basis, rate, householdCap, communityCap, DomainBands, FenRounding.HalfAwayFromZero, "test");

    private static HouseholdMonthBill Bill(Household household, SubsidyPolicyVersion policy) =>
        HouseholdBilling.Bill(Community(), household, Catalog(Book()), October2026, HouseholdMonthInputs.None,
            SubsidyCatalog.Create([("p.json", policy)]));

    [Fact]
    public void A_per_area_subsidy_is_shown_as_paid_on_the_residents_behalf()
    {
        // standard 86.40 × 0.48 = 41.472 -> 41.47; district 86.40 × 0.10 = 8.64; resident 41.47 - 8.64 = 32.83
        var bill = Bill(Household(86.40m), Policy());

        Assert.Equal(["property_fee", "subsidy"], bill.Lines.Select(l => l.Kind));
        Assert.Equal((41.47m, 8.64m, 32.83m), (bill.StandardFee.Yuan, bill.DistrictShare.Yuan, bill.Total.Yuan));
        Assert.Equal(-8.64m, bill.Lines[1].Amount.Yuan);
        Assert.Equal("区财政代付 86.40 m² × 0.10 元/m²/月 × 31/31 天", bill.Lines[1].Formula);
        Assert.Equal("test-subsidy@2022-01-01", bill.Lines[1].RateVersion);
    }

    [Fact]
    public void A_share_of_the_standard_fee_is_rounded_once_to_the_fen()
    {
        // standard 89.50 × 0.48 = 42.96; 40% = 17.184 -> 17.18; resident 25.78
        var bill = Bill(Household(89.50m), Policy(SubsidyBasis.ShareOfStandard, 0.40m));

        Assert.Equal((42.96m, 17.18m, 25.78m), (bill.StandardFee.Yuan, bill.DistrictShare.Yuan, bill.Total.Yuan));
        Assert.Equal("区财政代付 42.96 元 × 40%", bill.Lines[1].Formula);
    }

    [Fact]
    public void A_fixed_amount_per_household_never_exceeds_the_fee_itself()
    {
        // standard 20.00 × 0.48 = 9.60; a 15.00 fixed subsidy pays at most the 9.60 fee: the resident pays 0.00
        var bill = Bill(Household(20.00m), Policy(SubsidyBasis.PerHousehold, 15.00m));

        Assert.Equal((9.60m, 9.60m, 0.00m), (bill.StandardFee.Yuan, bill.DistrictShare.Yuan, bill.Total.Yuan));
        Assert.EndsWith("以 9.60 元为限", bill.Lines[1].Formula, StringComparison.Ordinal);
    }

    [Fact]
    public void A_household_cap_limits_the_district_share_per_month()
    {
        // 86.40 × 0.30 = 25.92, capped at 20.00 a household a month
        var bill = Bill(Household(86.40m), Policy(rate: 0.30m, householdCap: new Money(20.00m)));

        Assert.Equal(20.00m, bill.DistrictShare.Yuan);
        Assert.Equal(41.47m - 20.00m, bill.Total.Yuan);
    }

    [Fact]
    public void A_household_cap_holds_across_the_segments_of_a_split_month()
    {
        // Level change on 16 Oct splits the month; 100 × 0.30 × 15/31 = 14.52 then 100 × 0.30 × 16/31 = 15.48, cap 20.00 a month -> 14.52 + 5.48
        var levels = Changes((Start, new LevelAssignment(ServiceLevel.Stars(2))), (new LocalDate(2026, 10, 16), new LevelAssignment(ServiceLevel.Stars(2), new Core.Rates.AreaPrice(0.48m))));
        var bill = HouseholdBilling.Bill(Community(levels: levels), Household(100m), Catalog(Book()), October2026, HouseholdMonthInputs.None,
            SubsidyCatalog.Create([("p.json", Policy(rate: 0.30m, householdCap: new Money(20.00m)))]));

        Assert.Equal([-14.52m, -5.48m], bill.Lines.Where(l => l.Kind == "subsidy").Select(l => l.Amount.Yuan));
        Assert.Equal(20.00m, bill.DistrictShare.Yuan);
    }

    [Fact]
    public void A_community_cap_scales_every_share_down_and_loses_no_fen()
    {
        // shares 8.64, 17.28, 25.92 (86.40, 172.80, 259.20 m² × 0.10) = 51.84; cap 50.00:
        // exact 8.3333, 16.6667, 25.0000 -> 8.33, 16.67, 25.00 (the leftover fen goes to the largest remainder)
        var households = new[] { 86.40m, 172.80m, 259.20m }.Select((a, i) => Household(a) with { Code = new HouseholdCode($"T-{i}") }).ToList();
        var policy = Policy(communityCap: new Money(50.00m));

        var bill = BillingEngine.BillCommunity(Community(), households, Catalog(Book()), October2026, StatementCalendar.Default, null,
            SubsidyCatalog.Create([("p.json", policy)]));

        Assert.Equal([8.33m, 16.67m, 25.00m], bill.Statements.Select(s => s.DistrictShare.Yuan));
        Assert.Equal(50.00m, bill.DistrictShare.Yuan);
        Assert.All(bill.Statements, s => Assert.Equal(s.StandardFee, s.ResidentShare + s.DistrictShare));
    }

    [Theory]
    [InlineData(100, 1.00)]
    [InlineData(90, 1.00)]
    [InlineData(89.99, 0.90)]
    [InlineData(80, 0.90)]
    [InlineData(79.5, 0.70)]
    [InlineData(60, 0.70)]
    [InlineData(59.99, 0.00)]
    [InlineData(0, 0.00)]
    public void The_payout_factor_comes_from_the_bands(decimal score, decimal factor)
    {
        Assert.Equal(factor, Policy().FactorFor(score));
    }

    [Fact]
    public void The_claim_is_rounded_once_not_line_by_line()
    {
        // three lines of 0.05 at 90%: once, 0.15 × 0.9 = 0.135 -> 0.14; line by line it would be 3 × 0.05 = 0.15
        Assert.Equal(0.14m, SubsidyClaims.Claim(new Money(0.15m), 0.90m, FenRounding.HalfAwayFromZero).Yuan);
    }

    [Fact]
    public void Two_policies_for_the_same_household_are_a_problem_not_a_double_payment()
    {
        var catalog = SubsidyCatalog.Create([("a.json", Policy(name: "a")), ("b.json", Policy(name: "b"))]);

        var bill = HouseholdBilling.Bill(Community(), Household(86.40m), Catalog(Book()), October2026, HouseholdMonthInputs.None, catalog);

        Assert.Equal("subsidy.policy.ambiguous", Assert.Single(bill.Problems).Code);
    }

    [Fact]
    public void A_later_version_of_a_policy_supersedes_the_earlier_whatever_order_the_files_load_in()
    {
        var catalog = SubsidyCatalog.Create([
            ("b.json", Policy(rate: 0.20m, from: new LocalDate(2023, 1, 1))),
            ("a.json", Policy(rate: 0.30m, from: new LocalDate(2022, 1, 1))),
        ]);

        Assert.Equal(0.30m, catalog.For(Community(), ServiceLevel.Stars(2), new LocalDate(2022, 12, 31)).Version!.Rate);
        Assert.Equal(0.20m, catalog.For(Community(), ServiceLevel.Stars(2), new LocalDate(2023, 1, 1)).Version!.Rate);
        Assert.Equal(0.20m, Assert.Single(catalog.InForce(new LocalDate(2026, 1, 1))).Rate);
    }

    [Fact]
    public void A_policy_of_another_district_pays_nothing_here()
    {
        var bill = Bill(Household(86.40m), Policy(district: "别的区"));

        Assert.Equal(0.00m, bill.DistrictShare.Yuan);
        Assert.Equal(41.47m, bill.Total.Yuan);
    }

    [Theory]
    [InlineData(2022, 0.30)]
    [InlineData(2023, 0.20)]
    [InlineData(2024, 0.10)]
    [InlineData(2026, 0.10)]
    public void The_Heze_subsidy_steps_down_by_successive_files(int year, decimal rate)
    {
        var policies = Infrastructure.Rates.RateDirectory.LoadSubsidies(Infrastructure.RepositoryPaths.Rates);
        var heze = SampleRegister.Communities().Single(c => c.Code.Value == "HZ-FXY");

        var (version, problem) = policies.For(heze, ServiceLevel.Stars(2), new LocalDate(year, 6, 1));

        Assert.Null(problem);
        Assert.Equal(rate, version!.Rate);
        Assert.Equal(0.90m, version.FactorFor(85m));
    }

    [Theory]
    [InlineData("\"basis\": \"share-of-standard\", \"rate\": 1.5", "rate", "subsidy.rate.invalid")]
    [InlineData("\"basis\": \"per-room\", \"rate\": 0.1", "basis", "subsidy.basis.unknown")]
    public void A_broken_policy_file_names_the_field(string fragment, string field, string code)
    {
        var json = $$"""{ "policy": "p", "district": "d", "effectiveFrom": "2022-01-01", {{fragment}}, "payoutBands": [ { "minScore": 0, "factor": 1 } ] }""";

        var error = Assert.Single(SubsidyFileParser.Parse("rates/subsidies/p/2022-01-01.json", json).Errors);

        Assert.Equal((field, code), (error.Field, error.Code));
    }

    [Theory]
    [InlineData("[ { \"minScore\": 60, \"factor\": 1 } ]", "subsidy.bands.zero")]
    [InlineData("[ { \"minScore\": 90, \"factor\": 0.5 }, { \"minScore\": 0, \"factor\": 1 } ]", "subsidy.bands.order")]
    [InlineData("[ { \"minScore\": 0, \"factor\": 1.5 } ]", "subsidy.band.factor")]
    public void Payout_bands_must_cover_every_score_and_never_pay_more_for_a_lower_score(string bands, string code)
    {
        var json = $$"""{ "policy": "p", "district": "d", "effectiveFrom": "2022-01-01", "basis": "per-area", "rate": 0.1, "payoutBands": {{bands}} }""";

        Assert.Equal(code, Assert.Single(SubsidyFileParser.Parse("p.json", json).Errors).Code);
    }
}
