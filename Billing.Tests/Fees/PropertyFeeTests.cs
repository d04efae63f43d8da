using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Fees;

public class PropertyFeeTests
{
    private static readonly YearMonth October = new(2026, 10);

    private static RateBookVersion Book(decimal price, FenRounding rounding) => new(
        "test-book", "test", new LocalDate(2022, 1, 1), rounding,
        new Dictionary<ServiceLevel, AreaPrice> { [ServiceLevel.Stars(2)] = new(price) }, "test");

    private static ChargeLine WholeMonth(decimal area, decimal price, FenRounding rounding) =>
        PropertyFee.Line(new SquareMetres(area), ServiceLevel.Stars(2), Book(price, rounding), new AreaPrice(price), October, 31);

    [Theory]
    //          area    price  expected   (hand-computed: area × price, then 四舍五入 to the fen)
    [InlineData(10.25, 0.50, 5.13)]    // 5.125   -> 5.13, not 5.12
    [InlineData(69.81, 0.48, 33.51)]   // 33.5088 -> 33.51
    [InlineData(86.40, 0.48, 41.47)]   // 41.472  -> 41.47
    [InlineData(89.50, 0.48, 42.96)]   // 42.96   exactly
    [InlineData(100.00, 0.48, 48.00)]
    [InlineData(0.01, 0.48, 0.00)]     // 0.0048  -> 0.00
    [InlineData(1.25, 0.01, 0.01)]     // 0.0125  -> 0.01
    [InlineData(3.75, 0.02, 0.08)]     // 0.075   -> 0.08 (half away from zero)
    public void Whole_month_fee_is_area_times_price_rounded_half_away_from_zero(decimal area, decimal price, decimal expected)
    {
        var line = WholeMonth(area, price, FenRounding.HalfAwayFromZero);

        Assert.Equal(expected, line.Amount.Yuan);
        Assert.Equal("property_fee", line.Kind);
        Assert.Equal("test-book@2022-01-01", line.RateVersion);
    }

    [Theory]
    [InlineData(10.25, 0.50, 5.12)]    // 5.125 -> 5.12 under banker's rounding
    [InlineData(3.75, 0.02, 0.08)]     // 0.075 -> 0.08 (8 is even)
    [InlineData(69.81, 0.48, 33.51)]
    public void A_rate_book_can_choose_half_to_even_rounding(decimal area, decimal price, decimal expected)
    {
        Assert.Equal(expected, WholeMonth(area, price, FenRounding.HalfToEven).Amount.Yuan);
    }

    [Fact]
    public void The_line_keeps_its_formula_and_inputs()
    {
        var line = WholeMonth(69.81m, 0.48m, FenRounding.HalfAwayFromZero);

        Assert.Equal("69.81 m² × 0.48 元/m²/月 × 31/31 天", line.Formula);
        Assert.Equal("物业服务费（2星级）", line.Label);
        Assert.NotNull(line.Basis);
        Assert.Equal(69.81m, line.Basis.Area.Value);
        Assert.Equal(0.48m, line.Basis.Price.YuanPerSquareMetreMonth);
        Assert.Equal((31, 31), (line.Basis.Days, line.Basis.DaysInMonth));
    }

    [Fact]
    public void Billing_from_the_10th_of_a_30_day_month_bills_21_of_30_days()
    {
        // 90.00 × 0.48 = 43.20 a month; × 21/30 = 30.24
        var line = PropertyFee.Line(
            new SquareMetres(90.00m), ServiceLevel.Stars(2), Book(0.48m, FenRounding.HalfAwayFromZero), new AreaPrice(0.48m), new YearMonth(2026, 11), 21);

        Assert.Equal(30.24m, line.Amount.Yuan);
        Assert.Equal("90.00 m² × 0.48 元/m²/月 × 21/30 天", line.Formula);
    }

    [BillingProperty]
    public bool Fee_is_never_negative_and_within_half_a_fen_of_the_exact_product(SquareMetres area, AreaPrice price)
    {
        var line = PropertyFee.Line(area, ServiceLevel.Stars(2), Book(price.YuanPerSquareMetreMonth, FenRounding.HalfAwayFromZero), price, October, 31);
        var exact = area.Value * price.YuanPerSquareMetreMonth;

        return line.Amount.Yuan >= 0m
            && line.Amount.IsWholeFen
            && Math.Abs(line.Amount.Yuan - exact) <= 0.005m;
    }

    [BillingProperty]
    public bool Fee_never_decreases_when_the_area_grows(SquareMetres a, SquareMetres b, AreaPrice price)
    {
        var (small, large) = a.Value <= b.Value ? (a, b) : (b, a);
        var book = Book(price.YuanPerSquareMetreMonth, FenRounding.HalfAwayFromZero);

        return PropertyFee.Line(small, ServiceLevel.Stars(2), book, price, October, 31).Amount
            <= PropertyFee.Line(large, ServiceLevel.Stars(2), book, price, October, 31).Amount;
    }

    [BillingProperty]
    public bool Part_months_never_exceed_the_whole_month(SquareMetres area, AreaPrice price)
    {
        var book = Book(price.YuanPerSquareMetreMonth, FenRounding.HalfAwayFromZero);
        var whole = PropertyFee.Line(area, ServiceLevel.Stars(2), book, price, October, 31).Amount;

        return Enumerable.Range(0, 32).All(days =>
            PropertyFee.Line(area, ServiceLevel.Stars(2), book, price, October, days).Amount <= whole);
    }

    [Fact]
    public void Billed_days_outside_the_month_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PropertyFee.Exact(new SquareMetres(50m), new AreaPrice(0.48m), 31, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => PropertyFee.Exact(new SquareMetres(50m), new AreaPrice(0.48m), -1, 30));
    }
}
