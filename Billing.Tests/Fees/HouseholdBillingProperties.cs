using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Tests.Support;
using static RedProperty.Billing.Tests.Support.TestRegister;

namespace RedProperty.Billing.Tests.Fees;

/// <summary>Invariants of the property-fee rules over random areas, prices, months and occupancy histories.</summary>
[Trait("Category", "Core")]
public class HouseholdBillingProperties
{
    private static HouseholdMonthBill BillScenario(MonthScenario s, RateBookVersion? book = null)
    {
        var household = Household(s.Area.Value, new Timeline<Occupancy>(s.Occupancy.Select(o => new Dated<Occupancy>(o.From, o.Status))));
        return HouseholdBilling.Bill(Community(), household, Catalog(book ?? Book(s.Price.YuanPerSquareMetreMonth)), s.Period, HouseholdMonthInputs.None);
    }

    [BillingProperty]
    public bool Segments_of_a_split_month_add_up_to_the_whole_month_fee_within_a_fen_per_segment(SquareMetres area, AreaPrice price, YearMonth period, int[] cutDays)
    {
        // The same details recorded again on random days: the month is split, but nothing changes.
        var days = period.Calendar.GetDaysInMonth(period.Year, period.Month);
        var same = new HouseholdDetails("1", "1", "101", area, "王芳");
        var cuts = cutDays.Select(d => 2 + (Math.Abs(d % (days - 1)))).Distinct().Select(d => new Dated<HouseholdDetails>(period.OnDayOfMonth(d), same));
        var split = Household(area.Value, details: new Timeline<HouseholdDetails>(cuts.Prepend(new Dated<HouseholdDetails>(Start, same))));
        var rates = Catalog(Book(price.YuanPerSquareMetreMonth));

        var segments = HouseholdBilling.Bill(Community(), split, rates, period, HouseholdMonthInputs.None).Lines;
        var whole = HouseholdBilling.Bill(Community(), Household(area.Value), rates, period, HouseholdMonthInputs.None).Lines.Single();

        return segments.Count == 1 + cuts.Count()
            && segments.Sum(l => ((ProratedBasis)l.Basis).Days) == days
            && Math.Abs(segments.Sum(l => l.Amount.Yuan) - whole.Amount.Yuan) <= 0.01m * segments.Count;
    }

    [BillingProperty]
    public bool Only_occupied_or_vacant_days_are_billed(MonthScenario scenario)
    {
        var bill = BillScenario(scenario);

        var billedDays = bill.Lines.Sum(l => ((ProratedBasis)l.Basis).Days);
        return billedDays == scenario.BilledDays()
            && (scenario.BilledDays() > 0 || bill.Lines.Count == 0);
    }

    [BillingProperty]
    public bool Every_line_is_its_own_stated_formula_rounded_once(MonthScenario scenario)
    {
        var bill = BillScenario(scenario, Book(scenario.Price.YuanPerSquareMetreMonth, vacancy: new VacancyRule(0.7m)));

        // Recomputed by hand from what the line states: quantity × rate × share × days ÷ denominator, 四舍五入.
        return bill.Problems.Count == 0 && bill.Lines.All(l => l.Basis is ProratedBasis p
            && l.Amount.Yuan == Math.Round(p.Quantity * p.Rate * p.Share * p.Days / p.Denominator, 2, MidpointRounding.AwayFromZero)
            && p.Quantity == scenario.Area.Value && p.Rate == scenario.Price.YuanPerSquareMetreMonth
            && p.Share == (scenario.Occupancy.Last(o => o.From <= p.From).Status == Occupancy.Vacant ? 0.7m : 1m));
    }

    [BillingProperty]
    public bool The_fee_never_decreases_when_the_area_grows(MonthScenario scenario, SquareMetres other)
    {
        var larger = scenario with { Area = other.Value >= scenario.Area.Value ? other : scenario.Area };
        var smaller = scenario with { Area = other.Value >= scenario.Area.Value ? scenario.Area : other };

        return BillScenario(smaller).Total <= BillScenario(larger).Total;
    }

    [BillingProperty]
    public bool A_whole_month_is_the_monthly_fee_whatever_the_month_length(SquareMetres area, AreaPrice price, YearMonth period)
    {
        var line = HouseholdBilling.Bill(Community(), Household(area.Value), Catalog(Book(price.YuanPerSquareMetreMonth)), period, HouseholdMonthInputs.None).Lines.Single();

        return line.Amount == new Money(area.Value * price.YuanPerSquareMetreMonth).RoundToFen(FenRounding.HalfAwayFromZero)
            && Math.Abs(line.Amount.Yuan - (area.Value * price.YuanPerSquareMetreMonth)) <= 0.005m;
    }
}
