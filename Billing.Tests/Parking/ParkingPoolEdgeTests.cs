using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Parking;
using Interval = NodaTime.Interval;

namespace RedProperty.Billing.Tests.Parking;

/// <summary>
/// The residents' pool and the lease income that fills it, at the edges: an empty pool, no permits,
/// a permit already at its floor, a permit whose room is used exactly, slots that just touch the month.
/// </summary>
[Trait("Category", "Core")]
public sealed class ParkingPoolEdgeTests
{
    private static readonly DateTimeZone Shanghai = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];
    private static readonly YearMonth October = new(2026, 10);

    private static Money Y(decimal yuan) => new(yuan);

    private static PermitMonth Permit(string id, decimal standard, decimal floor, decimal share = 1m) => new(id, Y(standard), Y(floor), share);

    private static PoolDistribution Distribute(decimal pool, params PermitMonth[] permits) => ParkingPool.Distribute(Y(pool), permits, FenRounding.HalfAwayFromZero);

    [Fact]
    public void A_negative_pool_is_refused_and_an_empty_one_reduces_nothing()
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => Distribute(-0.01m, Permit("A", 150m, 50m)));
        Assert.Equal(("poolIn", (object)(-0.01m)), (refused.ParamName, refused.ActualValue));
        Assert.StartsWith("A pool cannot be negative. (Parameter 'poolIn')", refused.Message, StringComparison.Ordinal);

        var empty = Distribute(0m, Permit("A", 150m, 50m));
        var reduction = Assert.Single(empty.Reductions);
        Assert.Equal(("A", 150.00m, 0.00m, 150.00m), (reduction.Permit, reduction.Standard.Yuan, reduction.Reduction.Yuan, reduction.Due.Yuan));
        Assert.Equal((0.00m, 0.00m, 0.00m), (empty.PoolIn.Yuan, empty.Used.Yuan, empty.CarriedForward.Yuan));
    }

    [Fact]
    public void Without_permits_or_with_permits_held_no_day_the_whole_pool_is_carried()
    {
        var none = Distribute(120m);
        var unheld = Distribute(120m, Permit("A", 150m, 50m, 0m), Permit("B", 150m, 50m, 0m));

        Assert.Equal((0, 120.00m, 0.00m), (none.Reductions.Count, none.CarriedForward.Yuan, none.Used.Yuan));
        Assert.Equal((0, 120.00m, 0.00m), (unheld.Reductions.Count, unheld.CarriedForward.Yuan, unheld.Used.Yuan));
    }

    [Fact]
    public void What_a_permit_near_its_floor_cannot_take_goes_to_the_others()
    {
        // 100.00 over two permits is 50.00 each, but A (60 → floor 50) has room for 10.00 only, so
        // it takes 10.00 and B takes the other 90.00 (its room is 150 − 50 = 100): nothing carried.
        var d = Distribute(100m, Permit("A", 60m, 50m), Permit("B", 150m, 50m));

        Assert.Equal([("A", 10.00m, 50.00m), ("B", 90.00m, 60.00m)], d.Reductions.Select(r => (r.Permit, r.Reduction.Yuan, r.Due.Yuan)));
        Assert.Equal((100.00m, 0.00m), (d.Used.Yuan, d.CarriedForward.Yuan));
    }

    [Theory]
    // A has room 10.00, B room 100.00: together 110.00.
    [InlineData(109.99, 10.00, 99.99, 0.00)] // B a fen short of its floor
    [InlineData(110.00, 10.00, 100.00, 0.00)] // both exactly at their floors
    [InlineData(110.01, 10.00, 100.00, 0.01)] // a fen more than both can take: carried
    [InlineData(200.00, 10.00, 100.00, 90.00)]
    public void When_every_permit_reaches_its_floor_the_rest_is_carried(decimal pool, decimal a, decimal b, decimal carried)
    {
        var d = Distribute(pool, Permit("A", 60m, 50m), Permit("B", 150m, 50m));

        Assert.Equal((a, b, carried), (d.Reductions[0].Reduction.Yuan, d.Reductions[1].Reduction.Yuan, d.CarriedForward.Yuan));
    }

    [Fact]
    public void A_permit_already_at_its_floor_gets_nothing_and_leaves_the_pool_to_the_others()
    {
        // C costs its floor (50 → 50): no room. B has room 100.00 and takes 80.00 of 80.00.
        var d = Distribute(80m, Permit("C", 50m, 50m), Permit("B", 150m, 50m));

        Assert.Equal([("C", 0.00m, 50.00m), ("B", 80.00m, 70.00m)], d.Reductions.Select(r => (r.Permit, r.Reduction.Yuan, r.Due.Yuan)));
        Assert.Equal(0.00m, d.CarriedForward.Yuan);
    }

    [Fact]
    public void A_pool_too_small_for_a_fen_each_is_carried_whole()
    {
        // 0.02 over 3 permits is 0.00666… each, rounded down to 0.00: all 0.02 is carried.
        var d = Distribute(0.02m, Permit("A", 150m, 50m), Permit("B", 150m, 50m), Permit("C", 150m, 50m));

        Assert.All(d.Reductions, r => Assert.Equal(0.00m, r.Reduction.Yuan));
        Assert.Equal(0.02m, d.CarriedForward.Yuan);
    }

    [Fact]
    public void A_short_holding_never_goes_below_its_floor_rounded_up_to_the_fen()
    {
        // Held 2 of February's 28 days: standard 150 × 2/28 = 10.714… → 10.71; floor 50 × 2/28 = 3.5714… must
        // still be paid, rounded up to 3.58. Its room (150 − 50) × 2/28 = 7.1428… would allow 7.14, but
        // 10.71 − 7.14 = 3.57 is below 3.58, so the reduction is 10.71 − 3.58 = 7.13; 100 − 7.13 = 92.87 carried.
        var d = Distribute(100m, Permit("A", 150m, 50m, 2m / 28m));

        var r = Assert.Single(d.Reductions);
        Assert.Equal((10.71m, 7.13m, 3.58m), (r.Standard.Yuan, r.Reduction.Yuan, r.Due.Yuan));
        Assert.Equal(92.87m, d.CarriedForward.Yuan);
    }

    [Fact]
    public void A_permits_room_is_the_standard_less_the_floor_for_the_share_held()
    {
        // (150 − 50) × 0.5 = 50
        Assert.Equal(50m, Permit("A", 150m, 50m, 0.5m).Room.Yuan);
        Assert.Equal(40m, new PermitReduction("A", Y(75m), Y(35m)).Due.Yuan);
    }

    [Fact]
    public void A_month_without_carry_in_has_all_its_pool_from_leases()
    {
        var permits = new Dictionary<Billing.Core.Register.HouseholdCode, IReadOnlyList<PermitMonth>>();

        var plain = new ParkingMonth(Y(120m), permits, "v");
        var carried = new ParkingMonth(Y(120m), permits, "v") { LeaseIncome = Y(100m) };

        Assert.Equal((120m, 0m), (plain.LeaseIncome.Yuan, plain.CarryIn.Yuan));
        Assert.Equal((100m, 20m), (carried.LeaseIncome.Yuan, carried.CarryIn.Yuan)); // 120 − 100
    }

    private static Instant At(int month, int day, int hour, int minute = 0) => new LocalDateTime(2026, month, day, hour, minute).InZoneStrictly(Shanghai).ToInstant();

    [Fact]
    public void Slots_that_end_as_the_month_starts_or_start_as_it_ends_are_not_in_it()
    {
        // 30 Sep 22:00 – 1 Oct 00:00 and 1 Nov 00:00 – 02:00, Shanghai: touching October, not in it.
        var lease = new PricedLease(1, true, Y(300m), [new Interval(At(9, 30, 22), At(10, 1, 0)), new Interval(At(11, 1, 0), At(11, 1, 2))]);

        Assert.Equal((0, 0m), LeaseIncome.In(lease, October, Shanghai));
        Assert.Equal(Money.Zero, LeaseIncome.For(lease, October, Shanghai));
    }

    [Fact]
    public void Slots_a_minute_into_the_month_count_for_that_minute()
    {
        // 30 Sep 23:00 – 1 Oct 00:01 and 31 Oct 23:59 – 1 Nov 01:00: one minute in October each, 2/60 h.
        var slots = new[] { new Interval(At(9, 30, 23), At(10, 1, 0, 1)), new Interval(At(10, 31, 23, 59), At(11, 1, 1)) };

        Assert.Equal((2, 2m / 60m), LeaseIncome.In(new PricedLease(1, false, Y(30m), slots), October, Shanghai));
        Assert.Equal(1.00m, LeaseIncome.For(new PricedLease(1, false, Y(30m), slots), October, Shanghai).Yuan); // 30 × 2/60 = 1.00
        Assert.Equal(300.00m, LeaseIncome.For(new PricedLease(2, true, Y(300m), slots), October, Shanghai).Yuan); // monthly: the price once
    }

    [Fact]
    public void A_permit_line_shows_the_share_only_when_the_month_was_not_held_whole()
    {
        var whole = new PermitBasis("A-001#17", Y(150m), 1m, FenRounding.HalfAwayFromZero);
        var part = new PermitBasis("A-001#17", Y(150m), 0.5m, FenRounding.HalfAwayFromZero);

        Assert.Equal("A-001 车位居民月卡：150.00 元/月", whole.Describe());
        Assert.Equal("A-001 车位居民月卡：150.00 元/月 × 0.5（按持卡天数）", part.Describe());
        Assert.Equal((150m, 75m), (whole.Exact, part.Exact)); // 150 × 0.5 = 75
        Assert.Equal("A-001#17", part.Inputs.Extra["permit"]);
        Assert.Equal((0.5m, "月", 150m, "元/月", 0.5m), (part.Inputs.Quantity, part.Inputs.QuantityUnit, part.Inputs.Rate, part.Inputs.RateUnit, part.Inputs.Share));
    }

    [Fact]
    public void A_pool_line_is_negative_and_says_where_its_reduction_came_from()
    {
        var basis = new PoolReductionBasis("B-002#3", Y(300m), 4, Y(75m), Y(50m), FenRounding.HalfAwayFromZero);

        Assert.Equal(-75m, basis.Exact);
        Assert.Equal("白天错峰出租收入池 300.00 元，4 张月卡均摊，B-002 车位月卡减 75.00 元（不低于 50.00 元/月）", basis.Describe());
        Assert.Equal(
            new Dictionary<string, string> { ["permit"] = "B-002#3", ["pool"] = "300.00", ["permits"] = "4", ["reduction"] = "75.00", ["floor"] = "50.00" },
            basis.Inputs.Extra);
        Assert.Equal((4m, "张", 75m, "元/张"), (basis.Inputs.Quantity, basis.Inputs.QuantityUnit, basis.Inputs.Rate, basis.Inputs.RateUnit));
        Assert.Equal(("A-001", "A-001"), (ParkingLines.SpaceOf("A-001#17"), ParkingLines.SpaceOf("A-001")));
    }
}
