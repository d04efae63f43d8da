using NodaTime;

namespace RedProperty.Billing.Core.Payments;

/// <summary>One payment in a channel's daily statement (对账单).</summary>
/// <param name="Row">The file row it came from, so a difference can be found in the file.</param>
public sealed record ChannelBillLine(string TransactionId, string OrderNo, Money Amount, LocalDateTime TradeTime, int Row);

/// <summary>A payment we recorded for a channel: its reference is the channel's transaction id.</summary>
public sealed record RecordedChannelPayment(long PaymentId, string TransactionId, string Household, Money Amount, LocalDate PaidOn);

public enum ReconciliationOutcome
{
    /// <summary>In both, same amount.</summary>
    Matched,

    /// <summary>The channel took the money but we have no payment: the resident paid and is still shown as owing.</summary>
    MissingOnOurSide,

    /// <summary>We recorded a payment the channel's statement does not have.</summary>
    MissingOnTheirs,

    /// <summary>In both, with different amounts.</summary>
    AmountDiffers,
}

public sealed record ReconciliationLine(
    ReconciliationOutcome Outcome, string TransactionId, string? OrderNo, int? Row, Money? TheirAmount,
    long? PaymentId, string? Household, Money? OurAmount);

/// <summary>A channel's statement for a day set against what we recorded.</summary>
public sealed record ChannelReconciliationResult(PaymentChannel Channel, LocalDate Date, IReadOnlyList<ReconciliationLine> Lines)
{
    public int Count(ReconciliationOutcome outcome) => Lines.Count(l => l.Outcome == outcome);

    public Money TheirTotal => Money.Sum(Lines.Where(l => l.TheirAmount is not null).Select(l => l.TheirAmount!.Value));

    public Money OurTotal => Money.Sum(Lines.Where(l => l.OurAmount is not null).Select(l => l.OurAmount!.Value));

    public bool Balances => Lines.All(l => l.Outcome == ReconciliationOutcome.Matched);
}

/// <summary>Matches a channel's daily statement with our recorded payments by the channel's transaction id.</summary>
public static class ChannelReconciliation
{
    /// <param name="ours">Our payments for the channel that day, and any other day's payments the statement names.</param>
    public static ChannelReconciliationResult Reconcile(PaymentChannel channel, LocalDate date, IEnumerable<ChannelBillLine> theirs, IEnumerable<RecordedChannelPayment> ours)
    {
        var recorded = ours.GroupBy(p => p.TransactionId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<ReconciliationLine>();
        foreach (var line in theirs)
        {
            seen.Add(line.TransactionId);
            if (!recorded.TryGetValue(line.TransactionId, out var payment))
            {
                lines.Add(new ReconciliationLine(ReconciliationOutcome.MissingOnOurSide, line.TransactionId, line.OrderNo, line.Row, line.Amount, null, null, null));
                continue;
            }

            var outcome = payment.Amount == line.Amount ? ReconciliationOutcome.Matched : ReconciliationOutcome.AmountDiffers;
            lines.Add(new ReconciliationLine(outcome, line.TransactionId, line.OrderNo, line.Row, line.Amount, payment.PaymentId, payment.Household, payment.Amount));
        }

        foreach (var payment in recorded.Values.Where(p => p.PaidOn == date && !seen.Contains(p.TransactionId)).OrderBy(p => p.PaymentId))
        {
            lines.Add(new ReconciliationLine(ReconciliationOutcome.MissingOnTheirs, payment.TransactionId, null, null, null, payment.PaymentId, payment.Household, payment.Amount));
        }

        return new ChannelReconciliationResult(channel, date, lines);
    }
}
