using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Tests.Accounts;

[Trait("Category", "Core")]
public class CommunityAccountsTests
{
    private static CommunityAccountsInput Input(SubsidyClaimFigures? claim = null, ParkingPoolFigures? parking = null, params AccountsEntry[] entries) =>
        new(new CommunityCode("T"), "测试小区", "测试物业公司", new YearMonth(2026, 10),
            new ResidentFeeFigures(3, Money.Of(120.00m), 2, Money.Of(80.00m), 1, Money.Of(20.00m)),
            new SubsidyFigures(3, Money.Of(200.00m), Money.Of(80.00m), claim),
            parking, entries);

    private static AccountsEntry Entry(long id, AccountsCategory category, decimal amount, long? corrects = null) =>
        new(id, category, Money.Of(amount), $"V{id}", "登记", new LocalDate(2026, 10, 31), corrects);

    [Fact]
    public void Resident_fees_count_what_was_collected_net_of_reversals_and_show_what_was_billed()
    {
        var fees = CommunityAccounts.Assemble(Input()).Income.Single(l => l.Source == IncomeSource.ResidentFees);

        Assert.Equal(60.00m, fees.Amount.Yuan);
        Assert.Contains("本月对账单应收物业服务费 120.00 元（3 张对账单，停车费另列）", fees.Basis);
        Assert.Contains("本月冲正退回 20.00 元（1 笔）", fees.Basis);
    }

    [Fact]
    public void The_subsidy_counts_nothing_until_scored_what_the_score_in_force_pays_and_the_claim_once_submitted()
    {
        var before = CommunityAccounts.Assemble(Input()).Income.Single(l => l.Source == IncomeSource.DistrictSubsidy);
        var scoredInput = Input();
        scoredInput = scoredInput with { Subsidy = scoredInput.Subsidy with { Expected = new SubsidyExpectation(58m, new YearMonth(2026, 1), 0m, Money.Zero) } };
        var scoredZero = CommunityAccounts.Assemble(scoredInput).Income.Single(l => l.Source == IncomeSource.DistrictSubsidy);
        var ninety = scoredInput with { Subsidy = scoredInput.Subsidy with { Expected = new SubsidyExpectation(85m, new YearMonth(2026, 1), 0.9m, Money.Of(72.00m)) } };
        var scoredNinety = CommunityAccounts.Assemble(ninety).Income.Single(l => l.Source == IncomeSource.DistrictSubsidy);
        var after = CommunityAccounts.Assemble(Input(new SubsidyClaimFigures(7, 85m, 0.9m, Money.Of(72.00m), Money.Of(8.00m)))).Income.Single(l => l.Source == IncomeSource.DistrictSubsidy);

        // 80.00 district share: nothing before a score, 0 % at 58 points, 80.00 × 0.9 = 72.00 at 85 points or as claimed.
        Assert.Equal((0.00m, "区财政补贴（待考核）"), (before.Amount.Yuan, before.Label));
        Assert.Contains("待考核：本小区尚无考核得分，区财政按考核结果拨付，得分公布前不计入收入", before.Basis);
        Assert.Equal(0.00m, scoredZero.Amount.Yuan);
        Assert.Contains("不拨付的 80.00 元由物业公司承担，不向居民收取", scoredZero.Basis);
        Assert.Equal(72.00m, scoredNinety.Amount.Yuan);
        Assert.Equal(72.00m, after.Amount.Yuan);
        Assert.Contains("补贴申报单（第 7 号）", after.Trace, StringComparison.Ordinal);
        Assert.Contains("未拨付 8.00 元由物业公司承担，不向居民收取", after.Basis);
    }

    [Fact]
    public void Parking_counts_the_month_lease_income_and_shows_what_is_carried_to_next_month()
    {
        var accounts = CommunityAccounts.Assemble(Input(parking: new ParkingPoolFigures(Money.Of(300.00m), Money.Of(50.00m), Money.Of(250.00m), Money.Of(100.00m), "duyun@2022-01-01")));

        var parking = accounts.Income.Single(l => l.Source == IncomeSource.ParkingLeases);
        Assert.Equal(300.00m, parking.Amount.Yuan);
        Assert.Equal(100.00m, accounts.CarriedToNextMonth.Yuan);
        Assert.Contains("用于降低居民停车费 250.00 元，结转下月 100.00 元", parking.Basis);
    }

    [Fact]
    public void A_correction_is_added_to_the_entry_it_corrects_and_the_balance_follows()
    {
        var accounts = CommunityAccounts.Assemble(Input(null, null,
            Entry(1, AccountsCategory.Repairs, 500.00m),
            Entry(2, AccountsCategory.Repairs, -120.50m, corrects: 1),
            Entry(3, AccountsCategory.Charging, 45.60m),
            Entry(4, AccountsCategory.Salaries, 3000.00m)));

        Assert.Equal(379.50m, accounts.Spending.Single(l => l.Category == AccountsCategory.Repairs).Amount.Yuan);
        // 60.00 fees + 0 subsidy (not scored yet) + 0 parking + 45.60 charging = 105.60; spending 379.50 + 3000.00
        Assert.Equal(105.60m, accounts.TotalIncome.Yuan);
        Assert.Equal(3379.50m, accounts.TotalSpending.Yuan);
        Assert.Equal(-3273.90m, accounts.Balance.Yuan);
    }

    [Fact]
    public void An_amount_not_in_whole_fen_is_a_bug_in_the_caller()
    {
        Assert.Throws<ArgumentException>(() => CommunityAccounts.Assemble(Input(null, null, Entry(1, AccountsCategory.Cleaning, 1.005m))));
    }
}
