using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Accounts;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Tests.Support;

namespace RedProperty.Billing.Tests.Accounts;

/// <summary>The notice adds up whatever the figures: income by source sums to the total, balance = income − spending, to the fen.</summary>
[Trait("Category", "Core")]
public class CommunityAccountsProperties
{
    private static Money Fen(int fen) => new(Math.Abs((long)fen) % 100_000_000 / 100m);

    internal static CommunityAccountsInput RandomInput(int[] figures, int[] entryFen, int[] categories, bool claimed, bool parked)
    {
        int At(int i) => figures.Length == 0 ? 0 : figures[i % figures.Length] ^ (i * 7919);
        var paid = Fen(At(1));
        var fees = new ResidentFeeFigures(Math.Abs(At(0) % 500), Fen(At(2)), 3, paid, 1, Fen(At(3)) > paid ? paid : Fen(At(3)));
        var share = Fen(At(4));
        var factor = Math.Abs(At(5) % 101) / 100m;
        var claimAmount = new Money(decimal.Round(share.Yuan * factor, 2, MidpointRounding.AwayFromZero));
        var subsidy = new SubsidyFigures(10, share + Fen(At(6)), share, claimed ? new SubsidyClaimFigures(1, 85m, factor, claimAmount, share - claimAmount) : null);
        var lease = Fen(At(7));
        var carryIn = Fen(At(8));
        var used = new Money(decimal.Round((lease + carryIn).Yuan * (Math.Abs(At(9) % 101) / 100m), 2));
        var parking = parked ? new ParkingPoolFigures(lease, carryIn, used, lease + carryIn - used, "duyun@2022-01-01") : null;
        var all = AccountsCategory.Income.Concat(AccountsCategory.Spending).ToList();
        var entries = entryFen.Select((fen, i) =>
            new AccountsEntry(i + 1, all[Math.Abs(categories.Length == 0 ? i : categories[i % categories.Length]) % all.Count], Fen(fen) == Money.Zero ? new Money(0.01m) : Fen(fen), $"V{i}", "登记", new LocalDate(2026, 10, 31), null)).ToList();
        return new CommunityAccountsInput(new CommunityCode("T"), "测试小区", "测试物业公司", new YearMonth(2026, 10), fees, subsidy, parking, entries);
    }

    [BillingProperty]
    public bool Income_by_source_sums_to_the_total_and_the_balance_is_income_minus_spending_to_the_fen(
        int[] figures, int[] entryFen, int[] categories, bool claimed, bool parked)
    {
        var input = RandomInput(figures, entryFen, categories, claimed, parked);

        var accounts = CommunityAccounts.Assemble(input);

        var entered = (AccountsCategory c) => input.Entries.Where(e => e.Category == c).Sum(e => e.Amount.Yuan);
        var expectedIncome = input.ResidentFees.Paid.Yuan - input.ResidentFees.Reversed.Yuan
            + (input.Subsidy.Claim?.Claimed ?? Money.Zero).Yuan // before a score, nothing counts (待考核)
            + (input.Parking?.LeaseIncome.Yuan ?? 0m)
            + AccountsCategory.Income.Sum(entered);
        var expectedSpending = AccountsCategory.Spending.Sum(entered);
        return accounts.Income.Count == 6
            && accounts.Income.Sum(l => l.Amount.Yuan) == accounts.TotalIncome.Yuan
            && accounts.Spending.Sum(l => l.Amount.Yuan) == accounts.TotalSpending.Yuan
            && accounts.TotalIncome.Yuan == expectedIncome
            && accounts.TotalSpending.Yuan == expectedSpending
            && accounts.Balance.Yuan == accounts.TotalIncome.Yuan - accounts.TotalSpending.Yuan
            && accounts.Balance.IsWholeFen
            && accounts.Spending.Sum(l => l.Entries.Count) == input.Entries.Count(e => e.Category.Direction == EntryDirection.Spending);
    }
}
