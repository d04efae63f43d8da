using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Corrections;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Points;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Core.Subsidies;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Statements;

/// <summary>What a statement prints as the source of each line ("依据：…"): the rule's Chinese title, never its id.</summary>
[Trait("Category", "Core")]
public class RuleTitlesTests
{
    private static readonly LocalDate OctoberEnd = new(2026, 10, 31);

    // One rate book and one subsidy policy share a name and a date on purpose: their titles must not mix.
    private static readonly Core.Rates.RateCatalog Rates = Catalog(Book(name: "heze") with { Title = "菏泽开发区老旧小区物业服务收费标准（星级）" });

    private static readonly SubsidyCatalog Subsidies = SubsidyCatalog.Create(
    [
        ("heze.json", new SubsidyPolicyVersion("heze", "菏泽开发区老旧小区物业服务财政补贴", "测试区", null, null, Start, null,
            SubsidyBasis.PerArea, 0.20m, null, null, [new PayoutBand(0m, 1m)], FenRounding.HalfAwayFromZero, "test")),
    ]);

    private static readonly PointsCatalogues Points = new(
    [
        Catalogue("tcjy-points", "天创金源志愿积分兑换目录（2022版）", Start),
        Catalogue("tcjy-points", "天创金源志愿积分兑换目录（2026版）", new LocalDate(2026, 1, 1)),
    ]);

    private static readonly ParkingRateBook Parking = new(
    [
        ParkingBook("tcjy-parking", Start) with { Title = "天创金源物业共享停车收费标准" },
        ParkingBook("untitled-parking", Start),
    ]);

    // Built for each test, not once: Stryker can only judge a mutant of the constructor if each test runs it.
    private static RuleTitles Titles => new(Rates, Subsidies, Points, Parking);

    private static ChargeLine Line(string kind, string version) =>
        new(kind, "标签", version, new Money(10m), new MeteredBasis(1m, "户", 10m, FenRounding.HalfAwayFromZero));

    private static PointsCatalogue Catalogue(string name, string title, LocalDate from) =>
        new(name, title, new HashSet<string> { "OP" }, from, null, [], [], "test");

    private static ParkingRates ParkingBook(string name, LocalDate from) =>
        new(name, new HashSet<string> { "OP" }, from, new Money(150m), new Money(50m), new Money(2m), new Money(300m),
            DailyWindow.WorkingDayDaytime, HolidayCalendar.None, "test");

    [Theory]
    [InlineData(HouseholdBilling.PropertyFeeKind)]
    [InlineData("fee:waste")]
    public void Fee_lines_name_their_rate_book(string kind)
    {
        Assert.Equal("菏泽开发区老旧小区物业服务收费标准（星级）", Titles.Of(Line(kind, "heze@2022-01-01"), "OP", OctoberEnd));
    }

    [Fact]
    public void A_subsidy_line_names_its_policy_though_a_rate_book_has_the_same_id()
    {
        Assert.Equal("菏泽开发区老旧小区物业服务财政补贴", Titles.Of(Line(SubsidyLines.Kind, "heze@2022-01-01"), "OP", OctoberEnd));
    }

    [Theory]
    [InlineData(ParkingLines.PermitKind)]
    [InlineData(ParkingLines.ReductionKind)]
    public void Parking_lines_name_their_parking_book(string kind)
    {
        Assert.Equal("天创金源物业共享停车收费标准", Titles.Of(Line(kind, "tcjy-parking@2022-01-01"), "OP", OctoberEnd));
    }

    [Fact]
    public void A_parking_book_without_a_title_is_called_the_shared_parking_standard()
    {
        Assert.Equal("共享停车收费标准", Titles.Of(Line(ParkingLines.PermitKind, "untitled-parking@2022-01-01"), "OP", OctoberEnd));
    }

    [Fact]
    public void A_correction_is_always_the_finance_correction_record()
    {
        // Even when its version happens to read like a rate book's.
        Assert.Equal("财务更正记录", Titles.Of(Line(StatementAdjustments.Kind, "heze@2022-01-01"), "OP", OctoberEnd));
    }

    [Fact]
    public void A_points_credit_names_the_catalogue_in_force_for_the_operator()
    {
        // The engine stores points lines as "volunteer-points"; on 31 October 2026 the 2026 version is in force.
        Assert.Equal("天创金源志愿积分兑换目录（2026版）", Titles.Of(Line(PointsCredit.Kind, "volunteer-points"), "OP", OctoberEnd));
    }

    [Fact]
    public void A_points_credit_in_a_month_before_the_newer_catalogue_names_the_older_one()
    {
        Assert.Equal("天创金源志愿积分兑换目录（2022版）", Titles.Of(Line(PointsCredit.Kind, "volunteer-points"), "OP", new LocalDate(2025, 12, 31)));
    }

    [Fact]
    public void A_points_credit_that_names_its_catalogue_version_gets_that_version_even_when_a_newer_one_is_in_force()
    {
        Assert.Equal("天创金源志愿积分兑换目录（2022版）", Titles.Of(Line(PointsCredit.Kind, "tcjy-points@2022-01-01"), "OP", OctoberEnd));
    }

    [Fact]
    public void A_points_credit_of_an_operator_without_a_catalogue_gets_the_general_name()
    {
        Assert.Equal("志愿积分兑换目录", Titles.Of(Line(PointsCredit.Kind, "volunteer-points"), "OTHER", OctoberEnd));
    }

    [Theory]
    [InlineData(HouseholdBilling.PropertyFeeKind, "unknown@2022-01-01", "物业服务收费标准")]
    [InlineData(SubsidyLines.Kind, "unknown@2022-01-01", "政府补贴政策")]
    [InlineData(ParkingLines.ReductionKind, "unknown@2022-01-01", "共享停车收费标准")]
    [InlineData(PointsCredit.Kind, "volunteer-points", "志愿积分兑换目录")]
    [InlineData(StatementAdjustments.Kind, "adjustment", "财务更正记录")]
    public void Without_loaded_rules_every_line_gets_the_general_name_of_its_kind(string kind, string version, string expected)
    {
        Assert.Equal(expected, RuleTitles.None.Of(Line(kind, version), "OP", OctoberEnd));
    }

    [Theory]
    [InlineData(HouseholdBilling.PropertyFeeKind, "物业服务收费标准")]
    [InlineData(SubsidyLines.Kind, "政府补贴政策")]
    [InlineData(ParkingLines.PermitKind, "共享停车收费标准")]
    public void A_version_that_was_not_loaded_gets_the_general_name_of_its_kind(string kind, string expected)
    {
        Assert.Equal(expected, Titles.Of(Line(kind, "unknown@2022-01-01"), "OP", OctoberEnd));
    }
}
