using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Corrections;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Parking;
using RedProperty.Billing.Core.Points;

namespace RedProperty.Billing.Tests.Fees;

/// <summary>
/// Lines not priced by area × price store what their amount comes from, and round through the
/// rate book's mode like every other line.
/// </summary>
[Trait("Category", "Core")]
public class LineInputsTests
{
    [Fact]
    public void A_pool_reduction_stores_the_pool_the_permits_the_reduction_and_the_floor()
    {
        var basis = new PoolReductionBasis("A-001", new Money(300.00m), 4, new Money(75.00m), new Money(50.00m), FenRounding.HalfToEven);

        Assert.Equal(-75.00m, basis.Amount.Yuan);
        Assert.Equal(("300.00", "4", "75.00", "50.00", "A-001"),
            (basis.Inputs.Extra["pool"], basis.Inputs.Extra["permits"], basis.Inputs.Extra["reduction"], basis.Inputs.Extra["floor"], basis.Inputs.Extra["permit"]));
    }

    [Fact]
    public void A_correction_stores_the_statement_it_corrects_and_what_is_recorded_pending_and_applied()
    {
        var basis = new AdjustmentBasis(7, "202610-HZ-FXY-01-1-101", "面积更正", new Money(-40.00m), new Money(-13.47m), new Money(-13.47m), FenRounding.HalfAwayFromZero);

        Assert.Equal(("7", "202610-HZ-FXY-01-1-101", "-40.00", "-13.47", "-13.47"),
            (basis.Inputs.Extra["adjustment_id"], basis.Inputs.Extra["corrects_statement"], basis.Inputs.Extra["recorded"], basis.Inputs.Extra["pending"], basis.Inputs.Extra["applied"]));
    }

    [Fact]
    public void A_points_credit_and_a_permit_store_their_inputs()
    {
        var credit = new PointsCreditBasis(new Money(30.00m), new Money(26.53m), FenRounding.HalfAwayFromZero);
        var permit = new PermitBasis("A-001", new Money(150.00m), 0.5m, FenRounding.HalfAwayFromZero);

        Assert.Equal(("30.00", "26.53", -26.53m), (credit.Inputs.Extra["pending"], credit.Inputs.Extra["applied"], credit.Amount.Yuan));
        Assert.Equal((0.5m, 150.00m, "A-001", 75.00m), (permit.Inputs.Share!.Value, permit.Inputs.Rate!.Value, permit.Inputs.Extra["permit"], permit.Amount.Yuan));
    }

    [Theory]
    // 0.05 yuan a month held half the month: 0.025 → 0.03 四舍五入, 0.02 half-to-even.
    [InlineData("half-away-from-zero", 0.03)]
    [InlineData("half-to-even", 0.02)]
    public void A_permit_and_the_pool_round_through_the_rate_books_mode(string mode, decimal expected)
    {
        Assert.True(FenRounding.TryParse(mode, out var rounding));

        var permit = new PermitBasis("A-001", new Money(0.05m), 0.5m, rounding);
        var pool = ParkingPool.Distribute(Money.Zero, [new PermitMonth("A-001", new Money(0.05m), Money.Zero, 0.5m)], rounding);

        Assert.Equal(expected, permit.Amount.Yuan);
        Assert.Equal(expected, Assert.Single(pool.Reductions).Standard.Yuan);
    }

    [Fact]
    public void The_one_proration_order_gives_the_half_fen_the_fee_gives()
    {
        // 86.45 × 0.60 × 5 ÷ 30 = 8.645 exactly; the day fraction first (5/30 = 0.1666…67) gives 8.6450…02.
        var exact = Prorate.Exact(86.45m, 0.60m, 1m, 5, 30, wholeMonth: false);

        Assert.Equal(8.645m, exact);
        Assert.Equal(8.64m, FenRounding.HalfToEven.Round(exact));
        Assert.Equal(8.65m, FenRounding.HalfToEven.Round(86.45m * 0.60m * (5m / 30m)));
    }

    [Fact]
    public void A_whole_month_is_not_divided_at_all()
    {
        Assert.Equal(33.5088m, Prorate.Exact(69.81m, 0.48m, 1m, 31, 31, wholeMonth: true));
        Assert.Equal(23.45616m, Prorate.Exact(69.81m, 0.48m, 0.70m, 31, 31, wholeMonth: true));
    }
}
