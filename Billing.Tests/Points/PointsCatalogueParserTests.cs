using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Core.Validation;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Points;

/// <summary>
/// A points catalogue file read field by field, and each way it can be wrong reported with its code,
/// file, line, field and message. One field per line: line 1 is "{", the entry at index i of
/// <see cref="ValidLines"/> is on line i + 2, and a field is taken out by turning its line into a
/// comment, so the other lines keep their numbers.
/// </summary>
[Trait("Category", "Core")]
public class PointsCatalogueParserTests
{
    private const string Source = "rates/points/tcjy-volunteer/2022-01-01.json";

    private static readonly string[] ValidLines =
    [
        /* line 2 */ "\"catalogue\": \"tcjy-volunteer\",",
        /* line 3 */ "\"title\": \"天创金源物业 志愿服务积分兑换目录\",",
        /* line 4 */ "\"operators\": [\"TCJY\", \"ZYWY\"],",
        /* line 5 */ "\"effectiveFrom\": \"2022-01-01\",",
        /* line 6 */ "\"expiryMonths\": 24,",
        /* line 7 */ "\"services\": [",
        /* line 8 */ "  { \"code\": \"cleanup\", \"label\": \"小区环境清洁\", \"points\": 10 },",
        /* line 9 */ "  { \"code\": \"patrol\", \"label\": \"治安巡逻\", \"points\": 1, \"note\": \"每次两小时\" },",
        /* line 10 */ "],",
        /* line 11 */ "\"rewards\": [",
        /* line 12 */ "  { \"code\": \"fee-credit\", \"label\": \"物业费抵扣\", \"kind\": \"fee-credit\", \"points\": 100, \"yuan\": 10.00, \"monthlyCapPoints\": 500 },",
        /* line 13 */ "  { \"code\": \"parking-credit\", \"label\": \"停车费抵扣\", \"kind\": \"parking-credit\", \"points\": 1, \"yuan\": 0.01 },",
        /* line 14 */ "  { \"code\": \"parking-coupon\", \"label\": \"免费停车券（一次）\", \"kind\": \"voucher\", \"points\": 50, \"monthlyCapPoints\": 1, \"note\": \"一次\" },",
        /* line 15 */ "],",
        /* line 16 */ "\"source\": \"示例：都匀汇悦新天地小区做法\",",
    ];

    private static string File(params (int Line, string? Text)[] changes) => LineByLineJson.With(ValidLines, changes);

    private static InputError OnlyError(string json, string? expectedName = null, LocalDate? expectedDate = null)
    {
        var (catalogue, errors) = PointsCatalogueParser.Parse(Source, json, expectedName, expectedDate);
        Assert.Null(catalogue);
        return Assert.Single(errors);
    }

    private static PointsCatalogue Valid(string json, string? expectedName = null, LocalDate? expectedDate = null)
    {
        var (catalogue, errors) = PointsCatalogueParser.Parse(Source, json, expectedName, expectedDate);
        Assert.Empty(errors);
        return catalogue!;
    }

    [Fact]
    public void A_complete_catalogue_is_read_back_field_by_field()
    {
        // Points of 1, a yuan of 0.01 and a cap of 1 are the smallest values allowed.
        var catalogue = Valid(File(), "tcjy-volunteer", new LocalDate(2022, 1, 1));

        Assert.Equal("tcjy-volunteer", catalogue.Catalogue);
        Assert.Equal("天创金源物业 志愿服务积分兑换目录", catalogue.Title);
        Assert.Equal(["TCJY", "ZYWY"], catalogue.Operators.Order(StringComparer.Ordinal));
        Assert.Equal(new LocalDate(2022, 1, 1), catalogue.EffectiveFrom);
        Assert.Equal(24, catalogue.ExpiryMonths);
        Assert.Equal([new VolunteerService("cleanup", "小区环境清洁", 10), new VolunteerService("patrol", "治安巡逻", 1)], catalogue.Services);
        Assert.Equal(
            [
                new Reward("fee-credit", "物业费抵扣", RewardKind.FeeCredit, 100, new Money(10.00m), 500),
                new Reward("parking-credit", "停车费抵扣", RewardKind.ParkingCredit, 1, new Money(0.01m), null),
                new Reward("parking-coupon", "免费停车券（一次）", RewardKind.Voucher, 50, null, 1),
            ],
            catalogue.Rewards);
        Assert.Equal("示例：都匀汇悦新天地小区做法", catalogue.Source);
        Assert.Equal("tcjy-volunteer@2022-01-01", catalogue.VersionId);
    }

    [Fact]
    public void Services_and_rewards_are_found_by_code()
    {
        var catalogue = Valid(File());

        Assert.Equal(10, catalogue.Service("cleanup")!.Points);
        Assert.Equal(1, catalogue.Service("patrol")!.Points);
        Assert.Null(catalogue.Service("mediation"));
        Assert.Equal(RewardKind.Voucher, catalogue.Reward("parking-coupon")!.Kind);
        Assert.Equal(RewardKind.ParkingCredit, catalogue.Reward("parking-credit")!.Kind);
        Assert.Null(catalogue.Reward("errand"));
    }

    [Fact]
    public void Optional_fields_left_out_mean_no_title_points_that_never_expire_and_nothing_to_earn_or_buy()
    {
        // title, expiryMonths, services, rewards and source left out.
        var catalogue = Valid(File((3, null), (6, null), (7, null), (8, null), (9, null), (10, null), (11, null), (12, null), (13, null), (14, null), (15, null), (16, null)));

        Assert.Equal("tcjy-volunteer", catalogue.Title);
        Assert.Null(catalogue.ExpiryMonths);
        Assert.Empty(catalogue.Services);
        Assert.Empty(catalogue.Rewards);
        Assert.Equal(string.Empty, catalogue.Source);
    }

    [Fact]
    public void A_voucher_may_state_a_yuan_value_and_keeps_it()
    {
        var catalogue = Valid(File((14, "  { \"code\": \"errand\", \"label\": \"跑腿代办服务（一次）\", \"kind\": \"voucher\", \"points\": 30, \"yuan\": 5 },")));

        Assert.Equal(new Reward("errand", "跑腿代办服务（一次）", RewardKind.Voucher, 30, new Money(5m), null), catalogue.Rewards[2]);
    }

    [Fact]
    public void An_expiry_of_one_month_is_the_shortest_allowed()
    {
        Assert.Equal(1, Valid(File((6, "\"expiryMonths\": 1,"))).ExpiryMonths);
    }

    private const string NameMessage = "catalogue must be set and match its folder 'tcjy-volunteer'";

    [Theory]
    [InlineData(null, 1)]
    [InlineData("\"catalogue\": \" \",", 2)]
    [InlineData("\"catalogue\": \"tcjy\",", 2)]
    public void The_catalogue_name_must_be_set_and_match_its_folder(string? line, int row)
    {
        var error = OnlyError(File((2, line)), expectedName: "tcjy-volunteer");

        Assert.Equal(new InputError(Source, row, "catalogue", "points.catalogue.name", NameMessage), error);
    }

    [Fact]
    public void Without_a_folder_to_match_only_a_missing_name_is_an_error()
    {
        var error = OnlyError(File((2, "\"catalogue\": \"\",")));

        Assert.Equal(new InputError(Source, 2, "catalogue", "points.catalogue.name", "catalogue must be set and match its folder ''"), error);
        Assert.Equal("tcjy", Valid(File((2, "\"catalogue\": \"tcjy\","))).Catalogue);
    }

    [Theory]
    [InlineData("\"effectiveFrom\": \"2022-02-30\",", 5, "2022-02-30")]
    [InlineData("\"effectiveFrom\": \"2022-01-02\",", 5, "2022-01-02")]
    [InlineData(null, 1, "")]
    public void EffectiveFrom_must_be_a_date_matching_the_file_name(string? line, int row, string shown)
    {
        var error = OnlyError(File((5, line)), expectedDate: new LocalDate(2022, 1, 1));

        Assert.Equal(new InputError(Source, row, "effectiveFrom", "points.effective.invalid",
            $"effectiveFrom must be a date matching the file name, got '{shown}'"), error);
    }

    [Fact]
    public void Without_a_file_name_date_any_valid_date_is_taken()
    {
        Assert.Equal(new LocalDate(2023, 7, 1), Valid(File((5, "\"effectiveFrom\": \"2023-07-01\","))).EffectiveFrom);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData("\"operators\": [],", 4)]
    public void A_catalogue_names_its_operators(string? line, int row)
    {
        var error = OnlyError(File((4, line)));

        Assert.Equal(new InputError(Source, row, "operators", "points.operators.missing",
            "name the operators (operator codes) whose households use this catalogue"), error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Points_expire_after_at_least_one_month(int months)
    {
        var error = OnlyError(File((6, $"\"expiryMonths\": {months},")));

        Assert.Equal(new InputError(Source, 6, "expiryMonths", "points.expiry.invalid",
            "expiryMonths must be at least 1, or left out for points that never expire"), error);
    }

    [Theory]
    [InlineData("{ \"label\": \"治安巡逻\", \"points\": 20 }")]
    [InlineData("{ \"code\": \" \", \"label\": \"治安巡逻\", \"points\": 20 }")]
    [InlineData("{ \"code\": \"patrol\", \"points\": 20 }")]
    [InlineData("{ \"code\": \"patrol\", \"label\": \"\", \"points\": 20 }")]
    [InlineData("{ \"code\": \"patrol\", \"label\": \"治安巡逻\" }")]
    [InlineData("{ \"code\": \"patrol\", \"label\": \"治安巡逻\", \"points\": 0 }")]
    [InlineData("{ \"code\": \"patrol\", \"label\": \"治安巡逻\", \"points\": -10 }")]
    [InlineData("{ \"code\": \"cleanup\", \"label\": \"治安巡逻\", \"points\": 20 }")]
    public void A_service_needs_a_unique_code_a_label_and_points(string service)
    {
        var error = OnlyError(File((9, "  " + service + ",")));

        Assert.Equal(new InputError(Source, 9, "services[1]", "points.service.invalid",
            "a service needs a unique code, a label and points above 0"), error);
    }

    [Theory]
    [InlineData("\"kind\": \"discount\", ", "discount")]
    [InlineData("", "")]
    public void A_reward_kind_is_one_of_three(string kind, string shown)
    {
        var error = OnlyError(File((13, "  { \"code\": \"parking-credit\", \"label\": \"停车费抵扣\", " + kind + "\"points\": 100, \"yuan\": 10 },")));

        Assert.Equal(new InputError(Source, 13, "rewards[1].kind", "points.reward.kind",
            $"kind must be fee-credit, parking-credit or voucher, got '{shown}'"), error);
    }

    [Theory]
    [InlineData("{ \"label\": \"停车费抵扣\", \"kind\": \"parking-credit\", \"points\": 100, \"yuan\": 10 }")]
    [InlineData("{ \"code\": \"\", \"label\": \"停车费抵扣\", \"kind\": \"parking-credit\", \"points\": 100, \"yuan\": 10 }")]
    [InlineData("{ \"code\": \"parking-credit\", \"kind\": \"parking-credit\", \"points\": 100, \"yuan\": 10 }")]
    [InlineData("{ \"code\": \"parking-credit\", \"label\": \" \", \"kind\": \"parking-credit\", \"points\": 100, \"yuan\": 10 }")]
    [InlineData("{ \"code\": \"parking-credit\", \"label\": \"停车费抵扣\", \"kind\": \"parking-credit\", \"yuan\": 10 }")]
    [InlineData("{ \"code\": \"parking-credit\", \"label\": \"停车费抵扣\", \"kind\": \"parking-credit\", \"points\": 0, \"yuan\": 10 }")]
    [InlineData("{ \"code\": \"fee-credit\", \"label\": \"停车费抵扣\", \"kind\": \"parking-credit\", \"points\": 100, \"yuan\": 10 }")]
    public void A_reward_needs_a_unique_code_a_label_and_points(string reward)
    {
        var error = OnlyError(File((13, "  " + reward + ",")));

        Assert.Equal(new InputError(Source, 13, "rewards[1]", "points.reward.invalid",
            "a reward needs a unique code, a label and points above 0"), error);
    }

    [Theory]
    [InlineData("fee-credit", "")]
    [InlineData("fee-credit", "\"yuan\": 0, ")]
    [InlineData("parking-credit", "")]
    [InlineData("parking-credit", "\"yuan\": -1, ")]
    public void A_credit_reward_says_what_its_points_are_worth(string kind, string yuan)
    {
        var error = OnlyError(File((13, "  { \"code\": \"parking-credit\", \"label\": \"停车费抵扣\", \"kind\": \"" + kind + "\", " + yuan + "\"points\": 100 },")));

        // A missing yuan has no line of its own: the error points at the reward's line.
        Assert.Equal(new InputError(Source, 13, "rewards[1].yuan", "points.reward.yuan",
            "a credit reward says how many yuan its points are worth"), error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-50)]
    public void A_monthly_cap_is_above_zero_or_left_out(int cap)
    {
        var error = OnlyError(File((14, "  { \"code\": \"parking-coupon\", \"label\": \"免费停车券\", \"kind\": \"voucher\", \"points\": 50, \"monthlyCapPoints\": " + cap + " },")));

        Assert.Equal(new InputError(Source, 14, "rewards[2].monthlyCapPoints", "points.reward.cap", "monthlyCapPoints must be above 0, or left out"), error);
    }

    [Fact]
    public void Every_problem_in_a_catalogue_is_reported_in_the_order_of_its_fields()
    {
        var json = File(
            (2, null),
            (4, "\"operators\": [],"),
            (5, "\"effectiveFrom\": \"tomorrow\","),
            (6, "\"expiryMonths\": 0,"),
            (8, "  { \"code\": \"cleanup\", \"label\": \"小区环境清洁\", \"points\": 0 },"),
            (9, "  { \"code\": \"patrol\", \"label\": \"治安巡逻\" },"),
            (12, "  { \"code\": \"fee-credit\", \"label\": \"物业费抵扣\", \"kind\": \"cash\", \"points\": 100, \"yuan\": 10 },"),
            (13, "  { \"code\": \"parking-credit\", \"label\": \"停车费抵扣\", \"kind\": \"parking-credit\", \"points\": 100 },"),
            (14, "  { \"code\": \"parking-coupon\", \"label\": \"免费停车券\", \"kind\": \"voucher\", \"points\": 50, \"monthlyCapPoints\": 0 },"));

        var (catalogue, errors) = PointsCatalogueParser.Parse(Source, json);

        Assert.Null(catalogue);
        Assert.Equal(
            [
                ("catalogue", 1, "points.catalogue.name"), ("effectiveFrom", 5, "points.effective.invalid"), ("operators", 4, "points.operators.missing"),
                ("expiryMonths", 6, "points.expiry.invalid"), ("services[0]", 8, "points.service.invalid"), ("services[1]", 9, "points.service.invalid"),
                ("rewards[0].kind", 12, "points.reward.kind"), ("rewards[1].yuan", 13, "points.reward.yuan"), ("rewards[2].monthlyCapPoints", 14, "points.reward.cap"),
            ],
            errors.Select(e => (e.Field!, e.Row!.Value, e.Code)));
        Assert.All(errors, e => Assert.Equal(Source, e.Source));
    }

    [Fact]
    public void A_file_that_is_not_json_is_reported_with_its_line()
    {
        var (catalogue, errors) = PointsCatalogueParser.Parse(Source, File((6, "\"expiryMonths\": 24 months,")));

        Assert.Null(catalogue);
        var error = Assert.Single(errors);
        Assert.Equal((Source, 6, "points.json.invalid"), (error.Source, error.Row, error.Code));
    }

    [Fact]
    public void A_misspelt_field_is_refused_not_ignored()
    {
        var (catalogue, errors) = PointsCatalogueParser.Parse(Source, File((6, "\"expiry\": 24,")));

        Assert.Null(catalogue);
        var error = Assert.Single(errors);
        Assert.Equal(("points.json.invalid", "expiry"), (error.Code, error.Field));
    }

    [Fact]
    public void A_file_holding_only_null_is_empty()
    {
        var (catalogue, errors) = PointsCatalogueParser.Parse(Source, "null");

        Assert.Null(catalogue);
        Assert.Equal(new InputError(Source, null, null, "points.json.empty", "the file is empty"), Assert.Single(errors));
    }

    [Fact]
    public void The_real_catalogue_in_rates_reads_without_problems()
    {
        var path = Path.Combine(Infrastructure.RepositoryPaths.Rates, "points", "tcjy-volunteer", "2022-01-01.json");

        var catalogue = Valid(System.IO.File.ReadAllText(path), "tcjy-volunteer", new LocalDate(2022, 1, 1));

        Assert.Equal(["cleanup", "patrol", "elderly-visit", "mediation"], catalogue.Services.Select(s => s.Code));
        Assert.Equal(new Money(10.00m), catalogue.Reward("fee-credit")!.Yuan);
        Assert.Equal(24, catalogue.ExpiryMonths);
    }
    [Fact]
    public void An_operator_uses_the_latest_catalogue_in_force_on_the_date()
    {
        var first = Valid(File());
        var second = Valid(File((5, "\"effectiveFrom\": \"2024-01-01\","), (4, "\"operators\": [\"TCJY\"],")));
        var catalogues = new PointsCatalogues([second, first]);

        Assert.Null(catalogues.For("TCJY", new LocalDate(2021, 12, 31)));
        Assert.Same(first, catalogues.For("TCJY", new LocalDate(2022, 1, 1)));
        Assert.Same(first, catalogues.For("TCJY", new LocalDate(2023, 12, 31)));
        Assert.Same(second, catalogues.For("TCJY", new LocalDate(2024, 1, 1)));
        // ZYWY is only in the first catalogue, so it keeps it after 2024.
        Assert.Same(first, catalogues.For("ZYWY", new LocalDate(2025, 6, 1)));
        Assert.Null(catalogues.For("HYZY", new LocalDate(2025, 6, 1)));
        Assert.Null(PointsCatalogues.Empty.For("TCJY", new LocalDate(2025, 6, 1)));
        Assert.Equal([second, first], catalogues.Versions);
    }
}
