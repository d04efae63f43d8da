using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Corrections;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Tests.Support;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Corrections;

/// <summary>Worked examples of correction lines: 69.81 m² × 0.48 = 33.51 yuan a month throughout.</summary>
[Trait("Category", "Core")]
public class StatementAdjustmentsTests
{
    private static readonly YearMonth November2026 = new(2026, 11);

    private static PendingAdjustment Adjustment(long id, decimal amount, decimal? pending = null) =>
        new(id, "202610-T-1", "面积录入有误", new Money(amount), new Money(pending ?? amount));

    private static HouseholdMonthBill November(params PendingAdjustment[] adjustments) =>
        Bill(Community(), Household(69.81m), Catalog(Book(0.48m)), November2026, HouseholdMonthInputs.None with { Adjustments = adjustments });

    [Theory]
    [InlineData(100.00, 100.00, false)]
    [InlineData(-100.00, 100.00, false)]
    [InlineData(100.01, 100.00, true)]
    [InlineData(-100.01, 100.00, true)]
    [InlineData(0.01, 0.00, true)]
    public void A_correction_waits_for_a_second_person_only_above_the_threshold_either_way(double amount, double above, bool waits) =>
        Assert.Equal(waits, StatementAdjustments.NeedsApproval(new Money((decimal)amount), new Money((decimal)above)));

    [Fact]
    public void A_credit_is_a_line_naming_the_corrected_statement_and_the_reason()
    {
        var bill = November(Adjustment(7, -10.00m));

        var line = bill.Lines[1];
        Assert.Equal((StatementAdjustments.Kind, "更正", -10.00m, "adjustment #7"), (line.Kind, line.Label, line.Amount.Yuan, line.RateVersion));
        Assert.Equal("更正对账单 202610-T-1：面积录入有误", line.Formula);
        Assert.Equal(23.51m, bill.Total.Yuan); // 33.51 − 10.00
    }

    [Fact]
    public void An_extra_charge_is_billed_whole()
    {
        var bill = November(Adjustment(3, 12.34m));

        Assert.Equal(12.34m, bill.Lines[1].Amount.Yuan);
        Assert.Equal(45.85m, bill.Total.Yuan);
    }

    [Fact]
    public void A_credit_larger_than_the_month_is_clamped_to_its_charges_and_says_what_is_left()
    {
        var bill = November(Adjustment(7, -50.00m));

        Assert.Equal(-33.51m, bill.Lines[1].Amount.Yuan);
        Assert.Equal("更正对账单 202610-T-1：面积录入有误（共退 50.00 元，本期抵扣 33.51 元，余 16.49 元下月继续抵扣）", bill.Lines[1].Formula);
        Assert.Equal(0.00m, bill.Total.Yuan);
    }

    [Fact]
    public void The_rest_of_a_credit_next_month_says_what_earlier_months_used()
    {
        var bill = November(Adjustment(7, -50.00m, pending: -16.49m));

        Assert.Equal(-16.49m, bill.Lines[1].Amount.Yuan);
        Assert.Equal("更正对账单 202610-T-1：面积录入有误（共退 50.00 元，此前已抵扣 33.51 元，本期抵扣 16.49 元）", bill.Lines[1].Formula);
    }

    [Fact]
    public void Extra_charges_come_first_so_a_credit_can_use_them_and_credits_go_oldest_first()
    {
        // 33.51 + 20.00 = 53.51 to reduce: #1 takes 40.00, #2 the remaining 13.51 of its 30.00.
        var bill = November(Adjustment(2, -30.00m), Adjustment(1, -40.00m), Adjustment(5, 20.00m));

        Assert.Equal(["adjustment #5", "adjustment #1", "adjustment #2"], bill.Lines.Skip(1).Select(l => l.RateVersion));
        Assert.Equal([20.00m, -40.00m, -13.51m], bill.Lines.Skip(1).Select(l => l.Amount.Yuan));
        Assert.Equal(0.00m, bill.Total.Yuan);
    }

    [Fact]
    public void A_points_credit_only_gets_what_the_corrections_leave()
    {
        var inputs = HouseholdMonthInputs.None with { Adjustments = [Adjustment(1, -30.00m)], PointsCredit = new Money(20.00m) };

        var bill = Bill(Community(), Household(69.81m), Catalog(Book(0.48m)), November2026, inputs);

        Assert.Equal([33.51m, -30.00m, -3.51m], bill.Lines.Select(l => l.Amount.Yuan));
        Assert.Equal(0.00m, bill.Total.Yuan);
    }

    [Fact]
    public void A_household_that_has_moved_out_still_gets_an_extra_charge_but_a_credit_waits()
    {
        var movedOut = Household(69.81m, occupancy: Timeline<Occupancy>.Always(Occupancy.NotBilled));
        var rates = Catalog(Book(0.48m));

        var charge = Bill(Community(), movedOut, rates, November2026, HouseholdMonthInputs.None with { Adjustments = [Adjustment(1, 8.00m)] });
        var credit = Bill(Community(), movedOut, rates, November2026, HouseholdMonthInputs.None with { Adjustments = [Adjustment(1, -8.00m)] });

        Assert.Equal(8.00m, Assert.Single(charge.Lines).Amount.Yuan);
        Assert.Empty(credit.Lines);
    }

    [Theory]
    //          amount          reason         by        field
    [InlineData("0",            "面积录入有误", "财务 王", "amount")]
    [InlineData("-10.005",      "面积录入有误", "财务 王", "amount")]
    [InlineData("10000000000",  "面积录入有误", "财务 王", "amount")]
    [InlineData("-10.00",       "  ",          "财务 王", "reason")]
    [InlineData("-10.00",       "两行\n原因",   "财务 王", "reason")]
    [InlineData("-10.00",       "面积录入有误", "",       "recordedBy")]
    public void A_correction_that_cannot_be_recorded_names_the_field(string amount, string reason, string by, string field)
    {
        var errors = StatementAdjustments.Check("test", new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)), reason, by);

        Assert.Equal(field, Assert.Single(errors).Field);
    }

    [Fact]
    public void A_valid_correction_has_no_errors() =>
        Assert.Empty(StatementAdjustments.Check("test", new Money(-10.00m), "面积录入有误", "财务 王"));

    [Theory]
    //          amount          reason length, by length, code                               message
    [InlineData("0",            10,  5,   "adjustment.amount.zero",           "a correction is a non-zero amount in yuan: positive is more to pay, negative is a credit")]
    [InlineData("-10.005",      10,  5,   "adjustment.amount.fen",            "-10.005 has more than two decimals; amounts are in yuan to the fen")]
    [InlineData("10000000000",  10,  5,   "adjustment.amount.range",          "10000000000.00 is out of range")]
    [InlineData("-10.00",       0,   5,   "adjustment.reason.required",       "say why the statement is corrected; the reason is printed on the statement that bills it")]
    [InlineData("-10.00",       201, 5,   "adjustment.reason.invalid",        "the reason is one line of at most 200 characters")]
    [InlineData("-10.00",       10,  101, "adjustment.recorded-by.required",  "every correction records who made it")]
    public void Each_refusal_says_what_is_wrong_in_words_the_clerk_reads(string amount, int reasonLength, int byLength, string code, string message)
    {
        var errors = StatementAdjustments.Check(
            "更正", new Money(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)), new string('因', reasonLength), new string('王', byLength));

        var error = Assert.Single(errors);
        Assert.Equal(("更正", code, message), (error.Source, error.Code, error.Message));
    }

    [Fact]
    public void A_reason_of_exactly_200_characters_and_a_signature_of_100_are_accepted() =>
        Assert.Empty(StatementAdjustments.Check("更正", new Money(-10.00m), new string('因', 200), new string('王', 100)));

    [Fact]
    public void Pending_corrections_are_billed_oldest_first_whatever_order_they_arrive_in()
    {
        var bill = November(Adjustment(9, 2.00m), Adjustment(4, 1.00m));

        Assert.Equal(["adjustment #4", "adjustment #9"], bill.Lines.Skip(1).Select(l => l.RateVersion));
    }
}

/// <summary>Invariants of corrections billed over several months, with random charges, credits and months with nothing to bill.</summary>
[Trait("Category", "Core")]
public class StatementAdjustmentsProperties
{
    [BillingProperty]
    public bool Corrections_add_up_to_the_fen_never_make_a_statement_negative_and_are_never_billed_beyond_their_amount(
        SquareMetres area, int[] amountsFen, bool[] movedOut, int pointsFen)
    {
        var amounts = amountsFen.Take(6).Select(f => new Money((f % 1_000_000 == 0 ? 1 : f % 1_000_000) / 100m)).ToList();
        var pointsCredit = new Money(Math.Abs(pointsFen % 10_000) / 100m);
        var applied = amounts.Select(_ => Money.Zero).ToArray();
        var rates = Catalog(Book(0.48m));
        for (var m = 0; m < 8; m++)
        {
            var away = movedOut.Length > 0 && movedOut[m % movedOut.Length];
            var household = Household(area.Value, occupancy: Timeline<Occupancy>.Always(away ? Occupancy.NotBilled : Occupancy.Occupied));
            var pending = amounts.Select((a, i) => new PendingAdjustment(i + 1, "202601-T-1", "更正", a, a - applied[i])).Where(p => p.Pending != Money.Zero).ToList();
            var bill = HouseholdBilling.Bill(Community(), household, rates, new YearMonth(2026, 1).PlusMonths(m), HouseholdMonthInputs.None with { Adjustments = pending, PointsCredit = pointsCredit });

            var charges = Money.Sum(bill.Lines.Where(l => l.Kind == HouseholdBilling.PropertyFeeKind).Select(l => l.Amount));
            var adjustmentLines = bill.Lines.Where(l => l.Kind == StatementAdjustments.Kind).ToList();
            var pointsLines = bill.Lines.Where(l => l.Kind == Core.Points.PointsCredit.Kind).ToList();
            if (bill.Total.IsNegative
                || !bill.Lines.All(l => l.Amount.IsWholeFen)
                || bill.Total != charges + Money.Sum(adjustmentLines.Select(l => l.Amount)) + Money.Sum(pointsLines.Select(l => l.Amount))
                || adjustmentLines.Select(l => l.RateVersion).Distinct().Count() != adjustmentLines.Count)
            {
                return false;
            }

            foreach (var line in adjustmentLines)
            {
                var basis = (AdjustmentBasis)line.Basis;
                var i = (int)basis.AdjustmentId - 1;
                applied[i] += line.Amount;
                var extraChargeBilledWhole = !amounts[i].IsNegative && line.Amount == amounts[i];
                if (line.Amount == Money.Zero || (line.Amount.IsNegative != amounts[i].IsNegative) || Math.Abs(applied[i].Yuan) > Math.Abs(amounts[i].Yuan)
                    || (!amounts[i].IsNegative && !extraChargeBilledWhole))
                {
                    return false;
                }
            }

            // A credit still waiting means this month had nothing left to reduce.
            var creditWaiting = amounts.Where((a, i) => a.IsNegative && applied[i] != a).Any();
            if (creditWaiting && bill.Total - Money.Sum(pointsLines.Select(l => l.Amount)) != Money.Zero)
            {
                return false;
            }
        }

        return true;
    }
}
