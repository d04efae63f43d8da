using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Tests.Support;

/// <summary>Small registers and rate books built in code, for worked examples and properties.</summary>
public static class TestRegister
{
    public static readonly LocalDate Start = new(2022, 1, 1);

    public static RateBookVersion Book(
        decimal price = 0.48m,
        FenRounding? rounding = null,
        Proration proration = Proration.ActualDays,
        LocalDate? from = null,
        LocalDate? to = null,
        IReadOnlyList<LevelPrice>? prices = null,
        IReadOnlyList<FeeItem>? items = null,
        VacancyRule? vacancy = null,
        string name = "test-book") =>
        new(name, name, from ?? Start, to, rounding ?? FenRounding.HalfAwayFromZero, proration,
            prices ?? [new LevelPrice(ServiceLevel.Stars(2), null, new AreaPrice(price), 0m)],
            items ?? [], vacancy, "test");

    public static RateCatalog Catalog(params RateBookVersion[] versions) =>
        RateCatalog.Create(versions.Select(v => ($"{v.VersionId}.json", v)));

    public static Community Community(
        string rateBook = "test-book",
        LocalDate? billingStart = null,
        Timeline<LevelAssignment>? levels = null,
        BuildingType type = BuildingType.MultiStorey,
        IReadOnlyDictionary<string, BuildingType>? buildings = null) =>
        new(new CommunityCode("T"), "测试小区", "OP", "测试物业公司", null, "测试市", "测试区", rateBook,
            levels ?? Timeline<LevelAssignment>.Always(new LevelAssignment(ServiceLevel.Stars(2))),
            billingStart ?? Start, type, buildings ?? new Dictionary<string, BuildingType>());

    public static Household Household(
        decimal area,
        Timeline<Occupancy>? occupancy = null,
        Timeline<HouseholdDetails>? details = null,
        int permits = 0,
        string building = "1") =>
        new(new HouseholdCode("T-1"), new CommunityCode("T"),
            details ?? Timeline<HouseholdDetails>.Always(new HouseholdDetails(building, "1", "101", new SquareMetres(area), "王芳", ParkingPermits: permits)),
            occupancy ?? Timeline<Occupancy>.Always(Occupancy.Occupied));

    public static Timeline<T> Changes<T>(params (LocalDate From, T Value)[] entries) =>
        new(entries.Select(e => new Dated<T>(e.From, e.Value)));

    public static HouseholdMonthBill Bill(Community community, Household household, RateCatalog rates, YearMonth period, HouseholdMonthInputs? inputs = null)
    {
        var bill = HouseholdBilling.Bill(community, household, rates, period, inputs ?? HouseholdMonthInputs.None);
        Assert.Empty(bill.Problems);
        return bill;
    }
}
