using NodaTime;
using NodaTime.Text;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Subsidies;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Subsidies;

/// <summary>
/// A subsidy policy file read field by field, and each way it can be wrong reported with its code,
/// file, line, field and the message finance staff read. The file below is written one field per
/// line: line 1 is "{", the field at index i of <see cref="ValidLines"/> is on line i + 2, and a
/// field is taken out by turning its line into a comment, so the other lines keep their numbers.
/// </summary>
[Trait("Category", "Core")]
public class SubsidyFileParserTests
{
    private const string Source = "rates/subsidies/heze-kaifaqu/2022-01-01.json";

    private static readonly string[] ValidLines =
    [
        /* line 2 */ "\"policy\": \"heze-kaifaqu\",",
        /* line 3 */ "\"title\": \"菏泽开发区老旧小区物业服务财政补贴\",",
        /* line 4 */ "\"district\": \"开发区\",",
        /* line 5 */ "\"communities\": [\"HZ-FXY\", \"HZ-SWJSY\"],",
        /* line 6 */ "\"levels\": [\"2星\", \"1级\"],",
        /* line 7 */ "\"effectiveFrom\": \"2022-01-01\",",
        /* line 8 */ "\"effectiveTo\": \"2022-12-31\",",
        /* line 9 */ "\"basis\": \"per-area\",",
        /* line 10 */ "\"rate\": 0.30,",
        /* line 11 */ "\"capPerHouseholdMonth\": 20.00,",
        /* line 12 */ "\"capPerCommunityMonth\": 5000.00,",
        /* line 13 */ "\"rounding\": \"half-to-even\",",
        /* line 14 */ "\"payoutBands\": [",
        /* line 15 */ "  { \"minScore\": 60, \"factor\": 0.70 },",
        /* line 16 */ "  { \"minScore\": 90, \"factor\": 1.00, \"note\": \"考核90分及以上，全额拨付\" },",
        /* line 17 */ "  { \"minScore\": 0, \"factor\": 0.00 },",
        /* line 18 */ "  { \"minScore\": 80, \"factor\": 0.90 },",
        /* line 19 */ "],",
        /* line 20 */ "\"source\": \"示例：补贴逐年递减\",",
        /* line 21 */ "\"note\": \"每年一个新文件\",",
    ];

    private static string File(params (int Line, string? Text)[] changes) => LineByLineJson.With(ValidLines, changes);

    private static InputError OnlyError(string json, string? expectedPolicy = null, LocalDate? expectedDate = null)
    {
        var (version, errors) = SubsidyFileParser.Parse(Source, json, expectedPolicy, expectedDate);
        Assert.Null(version);
        return Assert.Single(errors);
    }

    private static SubsidyPolicyVersion Valid(string json, string? expectedPolicy = null, LocalDate? expectedDate = null)
    {
        var (version, errors) = SubsidyFileParser.Parse(Source, json, expectedPolicy, expectedDate);
        Assert.Empty(errors);
        return version!;
    }

    [Fact]
    public void A_complete_file_is_read_back_field_by_field_with_its_bands_highest_first()
    {
        var version = Valid(File(), "heze-kaifaqu", new LocalDate(2022, 1, 1));

        Assert.Equal("heze-kaifaqu", version.Policy);
        Assert.Equal("菏泽开发区老旧小区物业服务财政补贴", version.Title);
        Assert.Equal("开发区", version.District);
        Assert.Equal(["HZ-FXY", "HZ-SWJSY"], version.Communities!.Order(StringComparer.Ordinal));
        Assert.Equal(2, version.Levels!.Count);
        Assert.Contains(ServiceLevel.Stars(2), version.Levels);
        Assert.Contains(ServiceLevel.Grade(1), version.Levels);
        Assert.Equal(new LocalDate(2022, 1, 1), version.EffectiveFrom);
        Assert.Equal(new LocalDate(2022, 12, 31), version.EffectiveTo);
        Assert.Equal(SubsidyBasis.PerArea, version.Basis);
        Assert.Equal(0.30m, version.Rate);
        Assert.Equal(new Money(20.00m), version.CapPerHouseholdMonth);
        Assert.Equal(new Money(5000.00m), version.CapPerCommunityMonth);
        Assert.Equal(FenRounding.HalfToEven, version.Rounding);
        Assert.Equal([new PayoutBand(90m, 1.00m), new PayoutBand(80m, 0.90m), new PayoutBand(60m, 0.70m), new PayoutBand(0m, 0.00m)], version.Bands);
        Assert.Equal("示例：补贴逐年递减", version.Source);
        Assert.Equal("heze-kaifaqu@2022-01-01", version.VersionId);
    }

    [Fact]
    public void Optional_fields_left_out_mean_every_community_every_level_no_end_no_caps_and_half_away_from_zero()
    {
        // title, communities, levels, effectiveTo, both caps, rounding and source left out.
        var version = Valid(File((3, null), (5, null), (6, null), (8, null), (11, null), (12, null), (13, null), (20, null)));

        Assert.Equal("heze-kaifaqu", version.Title);
        Assert.Null(version.Communities);
        Assert.Null(version.Levels);
        Assert.Null(version.EffectiveTo);
        Assert.Null(version.CapPerHouseholdMonth);
        Assert.Null(version.CapPerCommunityMonth);
        Assert.Equal(FenRounding.HalfAwayFromZero, version.Rounding);
        Assert.Equal(string.Empty, version.Source);
    }

    [Fact]
    public void An_empty_list_of_levels_means_every_level()
    {
        Assert.Null(Valid(File((6, "\"levels\": [],"))).Levels);
    }

    [Fact]
    public void The_rounding_can_be_named_half_away_from_zero_explicitly()
    {
        Assert.Equal(FenRounding.HalfAwayFromZero, Valid(File((13, "\"rounding\": \"half-away-from-zero\","))).Rounding);
    }

    [Theory]
    [InlineData("share-of-standard", SubsidyBasis.ShareOfStandard)]
    [InlineData("per-household", SubsidyBasis.PerHousehold)]
    [InlineData("per-area", SubsidyBasis.PerArea)]
    public void Each_basis_is_read_by_its_name(string name, SubsidyBasis basis)
    {
        // rate 0.30 is valid for every basis (a share of 30%, or 0.30 yuan).
        Assert.Equal(basis, Valid(File((9, $"\"basis\": \"{name}\","))).Basis);
    }

    [Theory]
    // Boundaries: a rate of exactly 0 pays nothing but is valid; a share of exactly 1 is the whole fee.
    [InlineData("per-area", "0", 0)]
    [InlineData("per-household", "0", 0)]
    [InlineData("share-of-standard", "0", 0)]
    [InlineData("share-of-standard", "1", 1)]
    [InlineData("share-of-standard", "0.40", 0.40)]
    // Above 1 is a yuan amount for the other bases, not a share.
    [InlineData("per-area", "1.5", 1.5)]
    [InlineData("per-household", "25.00", 25.00)]
    public void Rates_at_their_limits_are_accepted(string basis, string rate, decimal expected)
    {
        var version = Valid(File((9, $"\"basis\": \"{basis}\","), (10, $"\"rate\": {rate},")));

        Assert.Equal(expected, version.Rate);
    }

    private const string ShareMessage = "rate is the district's share of the standard fee, between 0 and 1 (e.g. 0.40)";
    private const string AmountMessage = "rate must be 0 or more (yuan per m² per month, or per household per month)";

    [Theory]
    [InlineData("share-of-standard", "\"rate\": 1.01,", 10, ShareMessage)]
    [InlineData("share-of-standard", "\"rate\": -0.01,", 10, ShareMessage)]
    [InlineData("share-of-standard", null, 1, ShareMessage)]
    [InlineData("per-area", "\"rate\": -0.01,", 10, AmountMessage)]
    [InlineData("per-household", "\"rate\": -1,", 10, AmountMessage)]
    [InlineData("per-area", null, 1, AmountMessage)]
    public void A_rate_out_of_range_or_missing_is_refused_with_the_message_for_its_basis(string basis, string? rate, int line, string message)
    {
        var error = OnlyError(File((9, $"\"basis\": \"{basis}\","), (10, rate)));

        Assert.Equal(new InputError(Source, line, "rate", "subsidy.rate.invalid", message), error);
    }

    [Fact]
    public void An_unknown_basis_names_the_three_that_exist()
    {
        var error = OnlyError(File((9, "\"basis\": \"per-room\",")));

        Assert.Equal(new InputError(Source, 9, "basis", "subsidy.basis.unknown",
            "basis must be per-area, share-of-standard or per-household, got 'per-room'"), error);
    }

    [Fact]
    public void A_missing_basis_is_reported_on_the_line_of_the_opening_brace()
    {
        // A field left out has no line of its own: the error points at its parent, the whole file (line 1).
        var error = OnlyError(File((9, null)));

        Assert.Equal(new InputError(Source, 1, "basis", "subsidy.basis.unknown",
            "basis must be per-area, share-of-standard or per-household, got ''"), error);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("\"policy\": \"  \",", 2)]
    [InlineData("\"policy\": \"\",", 2)]
    public void A_policy_needs_a_name(string? line, int row)
    {
        var error = OnlyError(File((2, line)));

        Assert.Equal(new InputError(Source, row, "policy", "subsidy.policy.missing", "policy is required"), error);
    }

    [Fact]
    public void A_policy_name_must_match_its_folder()
    {
        var error = OnlyError(File(), expectedPolicy: "hanyang");

        Assert.Equal(new InputError(Source, 2, "policy", "subsidy.policy.folder",
            "policy 'heze-kaifaqu' does not match its folder 'hanyang'"), error);
    }

    [Fact]
    public void A_missing_policy_is_reported_once_even_when_a_folder_is_expected()
    {
        var error = OnlyError(File((2, null)), expectedPolicy: "heze-kaifaqu");

        Assert.Equal("subsidy.policy.missing", error.Code);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("\"district\": \" \",", 4)]
    public void A_policy_is_paid_by_one_named_district(string? line, int row)
    {
        var error = OnlyError(File((4, line)));

        Assert.Equal(new InputError(Source, row, "district", "subsidy.district.missing",
            "district is required: a policy is paid by one district"), error);
    }

    [Theory]
    [InlineData("\"effectiveFrom\": \"2022-02-30\",", 7, "2022-02-30")]
    [InlineData("\"effectiveFrom\": \"1/1/2022\",", 7, "1/1/2022")]
    [InlineData(null, 1, "")]
    public void EffectiveFrom_must_be_an_iso_date(string? line, int row, string shown)
    {
        // effectiveTo is left out too, so only the start date is wrong.
        var error = OnlyError(File((7, line), (8, null)));

        Assert.Equal(new InputError(Source, row, "effectiveFrom", "subsidy.effective.invalid",
            $"effectiveFrom must be a date like 2022-01-01, got '{shown}'"), error);
    }

    [Fact]
    public void An_invalid_start_is_reported_alone_even_with_an_end_date_and_an_expected_date()
    {
        // The end date 2022-12-31 cannot be compared with a start that does not parse; it is not an error on its own.
        var error = OnlyError(File((7, "\"effectiveFrom\": \"soon\",")), expectedDate: new LocalDate(2022, 1, 1));

        Assert.Equal(("effectiveFrom", "subsidy.effective.invalid", 7), (error.Field, error.Code, error.Row));
    }

    [Fact]
    public void EffectiveFrom_must_match_the_date_in_the_file_name()
    {
        var error = OnlyError(File(), expectedDate: new LocalDate(2023, 1, 1));

        Assert.Equal(new InputError(Source, 7, "effectiveFrom", "subsidy.effective.filename",
            "effectiveFrom 2022-01-01 does not match the file name date 2023-01-01"), error);
    }

    [Theory]
    [InlineData("2021-12-31")]
    [InlineData("2022-13-01")]
    [InlineData("")]
    public void EffectiveTo_must_be_a_date_on_or_after_effectiveFrom(string to)
    {
        var error = OnlyError(File((8, $"\"effectiveTo\": \"{to}\",")));

        Assert.Equal(new InputError(Source, 8, "effectiveTo", "subsidy.effective.invalid",
            $"effectiveTo must be a date on or after effectiveFrom, got '{to}'"), error);
    }

    [Theory]
    [InlineData("2022-01-01")] // the same day: a one-day policy
    [InlineData("2022-01-02")]
    public void EffectiveTo_on_or_after_the_start_is_kept(string to)
    {
        Assert.Equal(LocalDatePattern.Iso.Parse(to).Value,
            Valid(File((8, $"\"effectiveTo\": \"{to}\","))).EffectiveTo);
    }

    [Theory]
    [InlineData(11, "capPerHouseholdMonth")]
    [InlineData(12, "capPerCommunityMonth")]
    public void A_cap_cannot_be_negative(int line, string field)
    {
        var error = OnlyError(File((line, $"\"{field}\": -0.01,")));

        Assert.Equal(new InputError(Source, line, field, "subsidy.cap.negative", $"{field} cannot be negative"), error);
    }

    [Fact]
    public void A_cap_of_zero_is_kept_as_zero_not_as_no_cap()
    {
        var version = Valid(File((11, "\"capPerHouseholdMonth\": 0,"), (12, "\"capPerCommunityMonth\": 0,")));

        Assert.Equal((Money.Zero, Money.Zero), (version.CapPerHouseholdMonth, version.CapPerCommunityMonth));
    }

    [Fact]
    public void An_unknown_rounding_names_the_two_that_exist()
    {
        var error = OnlyError(File((13, "\"rounding\": \"banker\",")));

        Assert.Equal(new InputError(Source, 13, "rounding", "subsidy.rounding.unknown",
            "rounding must be 'half-away-from-zero' or 'half-to-even', got 'banker'"), error);
    }

    [Fact]
    public void Each_unknown_level_is_named_with_its_position()
    {
        var (version, errors) = SubsidyFileParser.Parse(Source, File((6, "\"levels\": [\"六星\", \"2星\", \"4级\"],")));

        Assert.Null(version);
        Assert.Equal(
            [
                new InputError(Source, 6, "levels[0]", "subsidy.level.unknown", "'六星' is not a service level"),
                new InputError(Source, 6, "levels[2]", "subsidy.level.unknown", "'4级' is not a service level"),
            ],
            errors);
    }

    [Fact]
    public void Every_problem_in_a_file_is_reported_in_the_order_of_its_fields()
    {
        var json = File(
            (2, null),
            (4, null),
            (7, "\"effectiveFrom\": \"x\","),
            (9, "\"basis\": \"per-room\","),
            (10, "\"rate\": -1,"),
            (11, "\"capPerHouseholdMonth\": -1,"),
            (12, "\"capPerCommunityMonth\": -1,"),
            (13, "\"rounding\": \"up\","),
            (6, "\"levels\": [\"0星\"],"),
            (15, "  { \"minScore\": 101, \"factor\": 0.70 },"));

        var (version, errors) = SubsidyFileParser.Parse(Source, json);

        Assert.Null(version);
        Assert.Equal(
            [
                ("policy", 1), ("district", 1), ("effectiveFrom", 7), ("basis", 9), ("rate", 10), ("capPerHouseholdMonth", 11),
                ("capPerCommunityMonth", 12), ("rounding", 13), ("levels[0]", 6), ("payoutBands[0].minScore", 15),
            ],
            errors.Select(e => (e.Field!, e.Row!.Value)));
        Assert.All(errors, e => Assert.Equal(Source, e.Source));
    }

    [Theory]
    [InlineData("\"payoutBands\": [],", 14)]
    [InlineData(null, 1)]
    public void Payout_bands_are_required(string? line, int row)
    {
        // With the bands left out entirely, their lines 15–19 go too.
        var json = line is null ? File((14, null), (15, null), (16, null), (17, null), (18, null), (19, null)) : File((14, line), (15, null), (16, null), (17, null), (18, null), (19, null));

        var error = OnlyError(json);

        Assert.Equal(new InputError(Source, row, "payoutBands", "subsidy.bands.missing",
            "payoutBands are required: the evaluation score decides how much of the claim is paid"), error);
    }

    [Theory]
    [InlineData("{ \"minScore\": -1, \"factor\": 0.70 }")]
    [InlineData("{ \"minScore\": 100.01, \"factor\": 0.70 }")]
    [InlineData("{ \"factor\": 0.70 }")]
    public void A_band_minimum_score_is_between_0_and_100(string band)
    {
        var error = OnlyError(File((15, "  " + band + ",")));

        Assert.Equal(new InputError(Source, 15, "payoutBands[0].minScore", "subsidy.band.score", "minScore must be between 0 and 100"), error);
    }

    [Theory]
    [InlineData("{ \"minScore\": 60, \"factor\": -0.01 }")]
    [InlineData("{ \"minScore\": 60, \"factor\": 1.01 }")]
    [InlineData("{ \"minScore\": 60 }")]
    public void A_band_factor_is_between_0_and_1(string band)
    {
        var error = OnlyError(File((15, "  " + band + ",")));

        Assert.Equal(new InputError(Source, 15, "payoutBands[0].factor", "subsidy.band.factor", "factor must be between 0 and 1 (e.g. 0.90 for 90%)"), error);
    }

    [Fact]
    public void Band_limits_themselves_are_valid_a_score_of_100_and_factors_of_0_and_1()
    {
        // 100 → 1, 0 → 0: only a perfect score pays; 99.99 pays nothing.
        var version = Valid(File((15, null), (16, "  { \"minScore\": 100, \"factor\": 1 },"), (18, null)));

        Assert.Equal([new PayoutBand(100m, 1m), new PayoutBand(0m, 0m)], version.Bands);
        Assert.Equal(1m, version.FactorFor(100m));
        Assert.Equal(0m, version.FactorFor(99.99m));
    }

    [Fact]
    public void Two_bands_cannot_start_at_the_same_score()
    {
        var error = OnlyError(File((18, "  { \"minScore\": 60, \"factor\": 0.60 },")));

        Assert.Equal(new InputError(Source, 18, "payoutBands[3].minScore", "subsidy.band.duplicate", "two bands start at 60"), error);
    }

    [Fact]
    public void The_lowest_band_must_start_at_0()
    {
        // Without the 0 band, a score of 59 would have no factor.
        var error = OnlyError(File((17, null)));

        Assert.Equal(new InputError(Source, 14, "payoutBands", "subsidy.bands.zero", "the lowest band must start at 0 so every score has a factor"), error);
    }

    [Fact]
    public void A_lower_score_never_pays_more_and_each_inversion_is_named()
    {
        // 60 → 0.95 pays more than 80 → 0.90 (sorted 90, 80, 60, 0: the pair 80/60 is inverted).
        var error = OnlyError(File((15, "  { \"minScore\": 60, \"factor\": 0.95 },")));

        Assert.Equal(new InputError(Source, 14, "payoutBands", "subsidy.bands.order", "a score of 60 would pay more than a score of 80"), error);
    }

    [Fact]
    public void Neighbouring_bands_may_pay_the_same()
    {
        // 80 → 1.00 as well as 90 → 1.00: not more, so allowed; 85 then pays 100%.
        var version = Valid(File((18, "  { \"minScore\": 80, \"factor\": 1.00 },")));

        Assert.Equal(1.00m, version.FactorFor(85m));
    }

    [Fact]
    public void A_broken_band_is_reported_alone_without_the_checks_over_all_bands()
    {
        // The 0 band has a bad factor: the remaining bands 90/80/60 do not start at 0, but that follows from the one error.
        var error = OnlyError(File((17, "  { \"minScore\": 0, \"factor\": 2 },")));

        Assert.Equal(("payoutBands[2].factor", "subsidy.band.factor"), (error.Field, error.Code));
    }

    [Theory]
    // The bands of the file: ≥ 90 → 100%, 80–89.99 → 90%, 60–79.99 → 70%, below 60 → nothing.
    [InlineData(100, 1.00)]
    [InlineData(90, 1.00)]
    [InlineData(89.99, 0.90)]
    [InlineData(80, 0.90)]
    [InlineData(79.99, 0.70)]
    [InlineData(60, 0.70)]
    [InlineData(59.99, 0.00)]
    [InlineData(0, 0.00)]
    public void The_parsed_bands_turn_a_score_into_its_factor(decimal score, decimal factor)
    {
        Assert.Equal(factor, Valid(File()).FactorFor(score));
    }

    [Fact]
    public void A_score_below_every_band_pays_nothing()
    {
        // Bands built in code without a 0 band (the parser refuses such a file): a score under the lowest pays 0.
        var version = Valid(File()) with { Bands = [new PayoutBand(60m, 0.70m)] };

        Assert.Equal(0m, version.FactorFor(59m));
    }

    [Fact]
    public void A_file_that_is_not_json_is_reported_with_its_line()
    {
        var (version, errors) = SubsidyFileParser.Parse(Source, File((10, "\"rate\": 0.30.1,")));

        Assert.Null(version);
        var error = Assert.Single(errors);
        Assert.Equal((Source, 10, "subsidy.json.invalid"), (error.Source, error.Row, error.Code));
    }

    [Fact]
    public void A_misspelt_field_is_refused_not_ignored()
    {
        var (version, errors) = SubsidyFileParser.Parse(Source, File((10, "\"rates\": 0.30,")));

        Assert.Null(version);
        var error = Assert.Single(errors);
        Assert.Equal(("subsidy.json.invalid", "rates"), (error.Code, error.Field));
    }

    [Fact]
    public void A_file_holding_only_null_is_empty()
    {
        var (version, errors) = SubsidyFileParser.Parse(Source, "null");

        Assert.Null(version);
        Assert.Equal(new InputError(Source, null, null, "subsidy.json.empty", "the file is empty"), Assert.Single(errors));
    }
}
