using System.Globalization;
using NodaTime;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Core.Accounts;

/// <summary>Where a community's income came from, in the order the notice lists it.</summary>
public enum IncomeSource
{
    ResidentFees,
    ResidentParking,
    DistrictSubsidy,
    ParkingLeases,
    Charging,
    Other,
}

/// <summary>The month's issued statements and the payment ledger of the community's households.</summary>
/// <param name="Billed">Sum of the totals of the statements issued for the month (what residents were asked to pay).</param>
/// <param name="Paid">Payments dated in the month.</param>
/// <param name="Reversed">Payment reversals dated in the month (taken back from what was collected).</param>
public sealed record ResidentFeeFigures(int Statements, Money Billed, int Payments, Money Paid, int Reversals, Money Reversed)
{
    public Money Collected => Paid - Reversed;

    /// <summary>The parking permits (net of the pool reduction) within <see cref="Billed"/>.</summary>
    public Money BilledParking { get; init; } = Money.Zero;

    /// <summary>The part of the month's payments that settled parking on statements, split by each statement's fees.</summary>
    public Money CollectedParking { get; init; } = Money.Zero;
}

/// <summary>The district's share billed on the month's invoice lines, and the claim when one was submitted.</summary>
public sealed record SubsidyFigures(int Lines, Money StandardFee, Money DistrictShare, SubsidyClaimFigures? Claim)
{
    /// <summary>The evaluation score in force and its payout factor, before a claim is submitted; absent until the community is scored.</summary>
    public SubsidyExpectation? Expected { get; init; }
}

/// <summary>What the district will pay on the score in force: the district share × the payout factor, rounded once.</summary>
public sealed record SubsidyExpectation(decimal Score, YearMonth ScorePeriod, decimal Factor, Money Payable);

/// <summary>A submitted claim: the district share × the payout factor of the evaluation score; the rest is the company's.</summary>
public sealed record SubsidyClaimFigures(long ClaimId, decimal Score, decimal Factor, Money Claimed, Money Shortfall);

/// <summary>The month's shared-parking pool: lease income plus last month's carry, used for permits or carried on.</summary>
public sealed record ParkingPoolFigures(Money LeaseIncome, Money CarryIn, Money UsedForPermits, Money CarryOut, string RateVersion);

/// <summary>Everything the month's accounts are assembled from; read from the database by the caller.</summary>
public sealed record CommunityAccountsInput(
    CommunityCode Community,
    string CommunityName,
    string OperatorName,
    YearMonth Period,
    ResidentFeeFigures ResidentFees,
    SubsidyFigures Subsidy,
    ParkingPoolFigures? Parking,
    IReadOnlyList<AccountsEntry> Entries)
{
    /// <summary>The operator's code, which finds its profile (service centre, complaint line) for the notice.</summary>
    public string OperatorCode { get; init; } = string.Empty;

    /// <summary>How the month's 实收 follows from the collection report of the same month, step by step; absent when not asked for.</summary>
    public CollectionBridge? Collection { get; init; }
}

/// <summary>One income source on the notice: the amount counted, how it was arrived at, and where the figures are kept.</summary>
public sealed record IncomeLine(IncomeSource Source, string Label, Money Amount, IReadOnlyList<string> Basis, string Trace);

/// <summary>One spending category on the notice, with the entries that make it up (corrections included).</summary>
public sealed record SpendingLine(AccountsCategory Category, Money Amount, IReadOnlyList<AccountsEntry> Entries, string Trace);

/// <summary>The community accounts (明白账) of a month: income by source, spending by category, totals and balance.</summary>
public sealed record CommunityAccountsModel(
    CommunityAccountsInput Input,
    IReadOnlyList<IncomeLine> Income,
    IReadOnlyList<SpendingLine> Spending,
    Money TotalIncome,
    Money TotalSpending)
{
    public Money Balance => TotalIncome - TotalSpending;

    /// <summary>Parking lease income the pool did not use this month; it lowers residents' permits next month.</summary>
    public Money CarriedToNextMonth => Input.Parking?.CarryOut ?? Money.Zero;
}

/// <summary>
/// Assembles the community accounts from figures already in the database. Pure: it decides what
/// is counted as the month's income and says why on every line, so a resident can check each
/// amount against its source. Cash that came in is counted (fees collected, lease income), and
/// the subsidy the district owes for the month (the claim when submitted, else its share billed).
/// </summary>
public static class CommunityAccounts
{
    public static CommunityAccountsModel Assemble(CommunityAccountsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RequireWholeFen(input);
        var entries = input.Entries;
        var income = new List<IncomeLine>
        {
            ResidentFees(input),
            ResidentParking(input),
            Subsidy(input),
            Parking(input),
            Entered(IncomeSource.Charging, AccountsCategory.Charging, entries, input),
            Entered(IncomeSource.Other, AccountsCategory.OtherIncome, entries, input),
        };

        var spending = AccountsCategory.Spending
            .Select(category =>
            {
                var of = entries.Where(e => e.Category == category).OrderBy(e => e.Id).ToList();
                return new SpendingLine(category, Sum(of), of, EntriesTrace(of, input));
            })
            .ToList();

        return new CommunityAccountsModel(input, income, spending, Money.Sum(income.Select(l => l.Amount)), Money.Sum(spending.Select(l => l.Amount)));
    }

    private static IncomeLine ResidentFees(CommunityAccountsInput input)
    {
        var f = input.ResidentFees;
        var basis = new List<string>
        {
            $"本月对账单应收物业服务费 {Fen(f.Billed - f.BilledParking)} 元（{f.Statements} 张对账单，停车费另列）",
            $"本月收到居民缴费 {Fen(f.Paid)} 元（{f.Payments} 笔），其中冲抵停车费 {Fen(f.CollectedParking)} 元另列",
        };
        if (f.Reversals > 0)
        {
            basis.Add($"本月冲正退回 {Fen(f.Reversed)} 元（{f.Reversals} 笔）");
        }

        basis.Add("计入收入：本月实际收到的缴费 − 冲正 − 停车费部分");
        if (input.Collection is { } bridge)
        {
            basis.Add(bridge.Agrees
                ? $"与收缴率报表一致：本月对账单已收回 {Fen(bridge.ReportCollected)} 元，等于本月实收"
                : $"收缴率报表本月对账单已收回 {Fen(bridge.ReportCollected)} 元，与本月实收 {Fen(bridge.AccountsCollected)} 元的差别逐项列在“与收缴率报表对照”");
        }
        else
        {
            basis.Add("与收缴率报表的区别：收缴率报表统计某月对账单收回了多少（不论何时缴纳）；");
            basis.Add("本表统计本月内实际收到的款项，其中可能有补缴以前月份的欠费或预存的钱，所以两者可以不同。");
        }
        return new IncomeLine(IncomeSource.ResidentFees, "居民物业服务费", f.Collected - f.CollectedParking, basis,
            $"本月对账单（{Month(input.Period)}）、缴费及冲正记录（{Range(input.Period)}）");
    }

    private static IncomeLine ResidentParking(CommunityAccountsInput input)
    {
        var f = input.ResidentFees;
        var basis = new List<string>
        {
            $"本月对账单应收居民停车费（已扣共享停车收益） {Fen(f.BilledParking)} 元",
            $"本月缴费中冲抵停车费 {Fen(f.CollectedParking)} 元（按每张对账单各项费用的比例拆分）",
            "计入收入：本月缴费中冲抵停车费的部分",
        };
        return new IncomeLine(IncomeSource.ResidentParking, "居民停车费", f.CollectedParking, basis,
            $"本月对账单（{Month(input.Period)}）、缴费记录（{Range(input.Period)}）");
    }

    private static IncomeLine Subsidy(CommunityAccountsInput input)
    {
        var s = input.Subsidy;
        var basis = new List<string> { $"补贴明细 {s.Lines} 户次：标准物业费 {Fen(s.StandardFee)} 元，其中区财政承担 {Fen(s.DistrictShare)} 元" };
        if (s.Claim is { } claim)
        {
            basis.Add($"已申报：考核得分 {claim.Score.ToString("0.##", CultureInfo.InvariantCulture)}，拨付比例 {claim.Factor.ToString("0.##%", CultureInfo.InvariantCulture)}，申报 {Fen(claim.Claimed)} 元");
            if (claim.Shortfall > Money.Zero)
            {
                basis.Add($"未拨付 {Fen(claim.Shortfall)} 元由物业公司承担，不向居民收取");
            }

            basis.Add("计入收入：申报金额");
            return new IncomeLine(IncomeSource.DistrictSubsidy, "区财政补贴", claim.Claimed, basis,
                $"区财政补贴明细（{Month(input.Period)}）、补贴申报单（第 {claim.ClaimId} 号）");
        }

        if (s.Expected is { } e)
        {
            basis.Add($"按现行考核得分 {e.Score.ToString("0.##", CultureInfo.InvariantCulture)}（{e.ScorePeriod.Year}年{e.ScorePeriod.Month}月考核），拨付比例 {e.Factor.ToString("0.##%", CultureInfo.InvariantCulture)}，预计拨付 {Fen(e.Payable)} 元");
            if (s.DistrictShare > e.Payable)
            {
                basis.Add($"不拨付的 {Fen(s.DistrictShare - e.Payable)} 元由物业公司承担，不向居民收取");
            }

            basis.Add("计入收入：预计拨付金额（尚未申报）");
            return new IncomeLine(IncomeSource.DistrictSubsidy, "区财政补贴", e.Payable, basis, $"区财政补贴明细（{Month(input.Period)}）、考核得分记录");
        }

        if (s.DistrictShare > Money.Zero)
        {
            basis.Add("待考核：本小区尚无考核得分，区财政按考核结果拨付，得分公布前不计入收入");
        }

        return new IncomeLine(IncomeSource.DistrictSubsidy, s.DistrictShare > Money.Zero ? "区财政补贴（待考核）" : "区财政补贴", Money.Zero, basis, $"区财政补贴明细（{Month(input.Period)}）");
    }

    private static IncomeLine Parking(CommunityAccountsInput input)
    {
        if (input.Parking is not { } p)
        {
            return new IncomeLine(IncomeSource.ParkingLeases, "共享停车租金", Money.Zero, ["本月无共享停车收益"], $"共享停车收益池（{Month(input.Period)}）");
        }

        var basis = new List<string>
        {
            $"本月白天错峰出租收入 {Fen(p.LeaseIncome)} 元，上月结转 {Fen(p.CarryIn)} 元",
            $"用于降低居民停车费 {Fen(p.UsedForPermits)} 元，结转下月 {Fen(p.CarryOut)} 元",
            "计入收入：本月出租收入",
        };
        return new IncomeLine(IncomeSource.ParkingLeases, "共享停车租金", p.LeaseIncome, basis, $"共享停车收益池（{Month(input.Period)}）");
    }

    private static IncomeLine Entered(IncomeSource source, AccountsCategory category, IReadOnlyList<AccountsEntry> entries, CommunityAccountsInput input)
    {
        var of = entries.Where(e => e.Category == category).OrderBy(e => e.Id).ToList();
        var basis = of.Select(e => $"{e.Description} {Fen(e.Amount)} 元（凭证 {e.Reference}{(e.Corrects is { } c ? $"，更正第 {c} 条" : string.Empty)}）").ToList();
        if (basis.Count == 0)
        {
            basis.Add("本月无登记");
        }

        return new IncomeLine(source, category.Label, Sum(of), basis, EntriesTrace(of, input));
    }

    private static Money Sum(IReadOnlyList<AccountsEntry> entries)
    {
        var total = Money.Sum(entries.Select(e => e.Amount));
        return total.IsNegative
            ? throw new InvalidOperationException($"Corrections take {entries[0].Category.Code} below zero ({total}); the store refuses such a correction.")
            : total;
    }

    private static string EntriesTrace(IReadOnlyList<AccountsEntry> entries, CommunityAccountsInput input) =>
        entries.Count == 0
            ? $"财务收支登记（{Month(input.Period)}，无）"
            : $"财务收支登记，凭证号 {string.Join("、", entries.Select(e => e.Reference))}";

    private static void RequireWholeFen(CommunityAccountsInput input)
    {
        var f = input.ResidentFees;
        var s = input.Subsidy;
        var amounts = new List<Money> { f.Billed, f.Paid, f.Reversed, s.StandardFee, s.DistrictShare };
        if (s.Claim is { } c)
        {
            amounts.AddRange([c.Claimed, c.Shortfall]);
        }

        if (input.Parking is { } p)
        {
            amounts.AddRange([p.LeaseIncome, p.CarryIn, p.UsedForPermits, p.CarryOut]);
        }

        amounts.AddRange(input.Entries.Select(e => e.Amount));
        if (amounts.FirstOrDefault(a => !a.IsWholeFen) is { Yuan: not 0m } bad)
        {
            throw new ArgumentException($"Accounts figures are stored to the fen; {bad.Yuan} is not.", nameof(input));
        }

        if (input.Entries.FirstOrDefault(e => e.Category.Code is null) is { } unknown)
        {
            throw new ArgumentException($"Entry #{unknown.Id} has no category.", nameof(input));
        }
    }

    private static string Fen(Money amount) => amount.ToFenString();

    private static string Month(YearMonth period) => $"{period.Year}年{period.Month}月";

    private static string Range(YearMonth period) =>
        $"{period.Month}月1日–{period.Month}月{period.Calendar.GetDaysInMonth(period.Year, period.Month)}日";
}
