using NodaTime;

namespace RedProperty.Billing.Core.Payments;

/// <summary>One line of a receipt: how much of a payment went to which fee of which month.</summary>
public sealed record ReceiptLine(string FeeKind, YearMonth Period, Money Amount);

/// <summary>A statement line as a receipt needs it: its kind, its label and its amount.</summary>
public sealed record BilledLine(string Kind, string Label, Money Amount);

/// <summary>
/// Splits what a payment settled of each month's statement over the statement's fees: the
/// property service fee (net of the subsidy, points and corrections that reduce it), parking
/// (net of the pool reduction) and any other item, each in proportion to its share of the
/// statement, to the fen, losing none.
/// </summary>
public static class ReceiptLines
{
    public const string PropertyFee = "物业服务费";
    public const string Parking = "停车费";

    public static IReadOnlyList<ReceiptLine> Split(IReadOnlyList<(YearMonth Period, Money Amount)> settled, Func<YearMonth, IReadOnlyList<BilledLine>> linesOf)
    {
        var result = new List<ReceiptLine>();
        foreach (var (period, amount) in settled)
        {
            var groups = linesOf(period)
                .GroupBy(l => FeeKindOf(l), StringComparer.Ordinal)
                .Select(g => (Kind: g.Key, Amount: Money.Sum(g.Select(l => l.Amount))))
                .Where(g => g.Amount > Money.Zero)
                .ToList();
            if (groups.Count == 0)
            {
                result.Add(new ReceiptLine(PropertyFee, period, amount));
                continue;
            }

            var shares = Subsidies.Allocation.Proportional(amount, groups.Select(g => g.Amount).ToList());
            result.AddRange(groups.Zip(shares).Where(x => x.Second > Money.Zero).Select(x => new ReceiptLine(x.First.Kind, period, x.Second)));
        }

        return result;
    }

    /// <summary>The fee a statement line belongs to, in the words the receipt prints.</summary>
    public static string FeeKindOf(BilledLine line) => line.Kind switch
    {
        "property_fee" or "subsidy" or "points_credit" or "adjustment" => PropertyFee,
        "parking_permit" or "parking_pool_reduction" => Parking,
        "late_fee" => "滞纳金",
        _ => line.Label,
    };

    /// <summary>Only the property service fee: reminders say 物业服务费 only then, and "物业费用" when parking or other items are part of the amount.</summary>
    public static bool OnlyPropertyFee(IEnumerable<BilledLine> lines) => lines.All(l => FeeKindOf(l) == PropertyFee);
}
