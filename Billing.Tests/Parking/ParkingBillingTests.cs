using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Core.Statements;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>The pool on residents' statements: the standard price, the reduction and where it came from.</summary>
[Trait("Category", "Core")]
public class ParkingBillingTests
{
    private static CommunityBill BillWithPool(decimal pool, int permits = 20)
    {
        var households = Enumerable.Range(1, permits + 1).Select(i => Household(89.50m) with { Code = new HouseholdCode($"T-{i:D2}") }).ToList();
        var permitMap = households.Take(permits).ToDictionary(
            h => h.Code,
            h => (IReadOnlyList<PermitMonth>)[new PermitMonth($"{h.Code}-P", new Money(150m), new Money(50m), 1m)]);
        return BillingEngine.BillCommunity(Community(), households, Catalog(Book()), new YearMonth(2026, 10), StatementCalendar.Default,
            parking: new ParkingMonth(new Money(pool), permitMap, "duyun-parking@2022-01-01"));
    }

    [Fact]
    public void A_pool_of_1500_over_20_permits_shows_150_less_75_on_each_statement()
    {
        var bill = BillWithPool(1500m);

        var withPermit = bill.Statements[0];
        Assert.Equal(["property_fee", ParkingLines.PermitKind, ParkingLines.ReductionKind], withPermit.Lines.Select(l => l.Kind));
        Assert.Equal([42.96m, 150.00m, -75.00m], withPermit.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal("白天错峰出租收入池 1500.00 元，20 张月卡均摊，T-01-P 车位月卡减 75.00 元（不低于 50.00 元/月）", withPermit.Lines[2].Formula);
        Assert.Equal(42.96m, bill.Statements[20].Total.Yuan);
        Assert.Equal(0.00m, bill.Parking!.CarriedForward.Yuan);
    }

    [Fact]
    public void A_pool_of_3000_stops_every_permit_at_50_and_carries_1000()
    {
        var bill = BillWithPool(3000m);

        Assert.All(bill.Statements.Take(20), s => Assert.Equal(42.96m + 50.00m, s.Total.Yuan));
        Assert.Equal(1000.00m, bill.Parking!.CarriedForward.Yuan);
        Assert.Equal(3000.00m, bill.Parking.Used.Yuan + bill.Parking.CarriedForward.Yuan);
    }
}
