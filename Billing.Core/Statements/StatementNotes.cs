using NodaTime;
using RedProperty.Billing.Core.Fees;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Core.Statements;

/// <summary>
/// The sentences a statement prints under its lines so that a resident can see *why* an amount is
/// what it is: a part month (迁入、迁出、交付、开始收费), a vacant home, and why the parking pool
/// stops at the floor and where the rest goes. Derived from the lines and the register only, so a
/// note can never contradict a figure.
/// </summary>
public static class StatementNotes
{
    public static IReadOnlyList<string> For(StatementModel s)
    {
        var notes = new List<string>();
        var monthStart = s.Period.OnDayOfMonth(1);
        var fees = s.Lines.Where(l => l.Kind == HouseholdBilling.PropertyFeeKind).Select(l => l.Basis).OfType<ProratedBasis>().ToList();
        foreach (var fee in fees.Where(f => !f.WholeMonth))
        {
            notes.Add($"{Day(fee.From)}至{Day(fee.To)}计 {fee.Days} 天，{WhyPart(s, fee, monthStart)}按 {fee.Days}/{fee.Denominator} 个月计费。");
        }

        var vacant = s.Household.Occupancy.Entries.Any(e => e.Value == Occupancy.Vacant && e.From <= s.Period.OnDayOfMonth(s.Period.Calendar.GetDaysInMonth(s.Period.Year, s.Period.Month)))
            && fees.Any(f => s.Household.Occupancy.ValueOn(f.From) == Occupancy.Vacant);
        if (vacant)
        {
            var reduced = fees.FirstOrDefault(f => f.Share != 1m);
            notes.Add(reduced is not null
                ? $"本房屋登记为空置房，空置期间物业服务费按 {reduced.Share * 100m:0.##}% 计收（收费标准规定）。入住后请到物业服务中心登记，自入住日起按全额计收。"
                : "本房屋登记为空置房。本小区收费标准未设空置房优惠，空置期间物业服务费按全额计收。");
        }

        var pool = s.Lines.Select(l => l.Basis).OfType<Parking.PoolReductionBasis>().FirstOrDefault();
        if (pool is not null)
        {
            notes.Add($"共享停车：本月白天错峰出租车位的租金 {pool.Pool.ToFenString()} 元全部用于降低居民月卡费，由 {pool.Permits} 张月卡平均分摊；"
                + $"每张月卡最多降到 {pool.Floor.ToFenString()} 元/月的保底价，保底价以下不再减免，用不完的收益结转下月继续抵扣，并在本小区明白账中公示。");
        }

        return notes;
    }

    /// <summary>The register event that cut the month at this part, in the resident's words.</summary>
    private static string WhyPart(StatementModel s, ProratedBasis fee, LocalDate monthStart)
    {
        // Billing that starts on the 1st does not cut the month; a part starting then was cut at its end.
        if (fee.From == s.Community.BillingStart && fee.From != monthStart)
        {
            return "本小区自该日起开始收费（先服务、后收费），";
        }

        var before = fee.From == monthStart ? null : (Occupancy?)s.Household.Occupancy.ValueOn(fee.From.PlusDays(-1));
        var after = s.Household.Occupancy.ValueOn(fee.To.PlusDays(1));
        var monthEnd = s.Period.OnDayOfMonth(s.Period.Calendar.GetDaysInMonth(s.Period.Year, s.Period.Month));
        var own = s.Household.Occupancy.ValueOn(fee.From);
        if (before is Occupancy.NotBilled or Occupancy.MovedOut)
        {
            // Never billed before this date: the home was handed over (交付) rather than moved back into.
            var everBilled = s.Household.Occupancy.Entries.Any(e => e.From < fee.From && e.Value != Occupancy.NotBilled && e.From > LocalDate.MinIsoValue);
            return everBilled ? $"{Day(fee.From)}迁入，" : $"房屋于{Day(fee.From)}交付入住，";
        }

        if (fee.To < monthEnd && after is (Occupancy.NotBilled or Occupancy.MovedOut))
        {
            return $"{Day(fee.To.PlusDays(1))}起已迁出，";
        }

        // Vacancy is the reason only where it differs from this part's own state: a home vacant all month
        // whose level changes was cut by the level, not by its vacancy.
        if ((before is { } b && (b == Occupancy.Vacant) != (own == Occupancy.Vacant))
            || (fee.To < monthEnd && (after == Occupancy.Vacant) != (own == Occupancy.Vacant)))
        {
            return "空置状态在月中变化，";
        }

        return "当月收费标准、服务等级或房屋面积在月中变化，";
    }

    private static string Day(LocalDate d) => $"{d.Month}月{d.Day}日";
}
