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
        Assert.Contains("本月对账单应收 120.00 元（3 张）", fees.Basis);
        Assert.Contains("本月冲正退回 20.00 元（1 笔）", fees.Basis);
    }

    [Fact]
    public void The_subsidy_counts_the_claim_once_submitted_and_the_district_share_before()
    {
        var before = CommunityAccounts.Assemble(Input()).Income.Single(l => l.Source == IncomeSource.DistrictSubsidy);
        var after = CommunityAccounts.Assemble(Input(new SubsidyClaimFigures(7, 85m, 0.9m, Money.Of(72.00m), Money.Of(8.00m)))).Income.Single(l => l.Source == IncomeSource.DistrictSubsidy);

        Assert.Equal(80.00m, before.Amount.Yuan);
        Assert.Equal(72.00m, after.Amount.Yuan);
        Assert.Contains("subsidy_claim #7", after.Trace, StringComparison.Ordinal);
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
        // 60.00 fees + 80.00 subsidy + 0 parking + 45.60 charging = 185.60; spending 379.50 + 3000.00
        Assert.Equal(185.60m, accounts.TotalIncome.Yuan);
        Assert.Equal(3379.50m, accounts.TotalSpending.Yuan);
        Assert.Equal(-3193.90m, accounts.Balance.Yuan);
    }

    [Fact]
    public void An_amount_not_in_whole_fen_is_a_bug_in_the_caller()
    {
        Assert.Throws<ArgumentException>(() => CommunityAccounts.Assemble(Input(null, null, Entry(1, AccountsCategory.Cleaning, 1.005m))));
    }
}
