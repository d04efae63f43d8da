using NodaTime;

namespace RedProperty.Billing.Core.Payments;

/// <summary>One payment in a channel's daily statement (对账单).</summary>
/// <param name="Row">The file row it came from, so a difference can be found in the file.</param>
public sealed record ChannelBillLine(string TransactionId, string OrderNo, Money Amount, LocalDateTime TradeTime, int Row);

/// <summary>A payment we recorded for a channel: its reference is the channel's transaction id.</summary>
public sealed record RecordedChannelPayment(long PaymentId, string TransactionId, string Household, Money Amount, LocalDate PaidOn);

/// <summary>One refund in a channel's daily statement: our refund number (商户退款单号 / 退款请求号) is the key.</summary>
/// <param name="TransactionId">The channel's transaction the refund returns.</param>
public sealed record ChannelBillRefund(string RefundNo, string TransactionId, string OrderNo, Money Amount, LocalDateTime RefundTime, int Row);

/// <summary>A refund the channel reported done, recorded as the payment's reversal.</summary>
public sealed record RecordedChannelRefund(string RefundNo, string TransactionId, long PaymentId, string Household, Money Amount, LocalDate RefundedOn);

/// <summary>A channel's daily statement as read: its payments and its refunds.</summary>
public sealed record ChannelBill(IReadOnlyList<ChannelBillLine> Payments, IReadOnlyList<ChannelBillRefund> Refunds);

/// <summary>Whether a reconciliation line is about money paid in or money refunded.</summary>
public enum ReconciliationKind
{
    Payment,
    Refund,
}

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

/// <param name="RefundNo">For a refund line, our refund number, which both sides carry.</param>
public sealed record ReconciliationLine(
    ReconciliationOutcome Outcome, string TransactionId, string? OrderNo, int? Row, Money? TheirAmount,
    long? PaymentId, string? Household, Money? OurAmount, ReconciliationKind Kind = ReconciliationKind.Payment, string? RefundNo = null);

/// <summary>A channel's statement for a day set against what we recorded.</summary>
public sealed record ChannelReconciliationResult(PaymentChannel Channel, LocalDate Date, IReadOnlyList<ReconciliationLine> Lines)
{
    public int Count(ReconciliationOutcome outcome) => Lines.Count(l => l.Outcome == outcome);

    public int Count(ReconciliationKind kind, ReconciliationOutcome outcome) => Lines.Count(l => l.Kind == kind && l.Outcome == outcome);

    /// <summary>Payments in the channel's statement.</summary>
    public Money TheirTotal => Total(ReconciliationKind.Payment, l => l.TheirAmount);

    /// <summary>Payments we recorded.</summary>
    public Money OurTotal => Total(ReconciliationKind.Payment, l => l.OurAmount);

    /// <summary>Refunds in the channel's statement.</summary>
    public Money TheirRefundTotal => Total(ReconciliationKind.Refund, l => l.TheirAmount);

    /// <summary>Refunds we recorded as reversals.</summary>
    public Money OurRefundTotal => Total(ReconciliationKind.Refund, l => l.OurAmount);

    private Money Total(ReconciliationKind kind, Func<ReconciliationLine, Money?> amount) =>
        Money.Sum(Lines.Where(l => l.Kind == kind && amount(l) is not null).Select(l => amount(l)!.Value));

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

    /// <summary>
    /// Payments as above, then refunds matched by our refund number: a refund the channel made that
    /// we have not recorded as a reversal is missing on our side; a reversal we recorded for a refund
    /// done that day that the channel's statement lacks is missing on theirs.
    /// </summary>
    /// <param name="ourRefunds">Our refunds done that day, and any other day's refunds the statement names.</param>
    public static ChannelReconciliationResult Reconcile(
        PaymentChannel channel, LocalDate date, ChannelBill theirs, IEnumerable<RecordedChannelPayment> ours, IEnumerable<RecordedChannelRefund> ourRefunds)
    {
        var payments = Reconcile(channel, date, theirs.Payments, ours);
        var recorded = ourRefunds.GroupBy(r => r.RefundNo, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<ReconciliationLine>(payments.Lines);
        foreach (var refund in theirs.Refunds)
        {
            seen.Add(refund.RefundNo);
            if (!recorded.TryGetValue(refund.RefundNo, out var ourRefund))
            {
                lines.Add(new ReconciliationLine(ReconciliationOutcome.MissingOnOurSide, refund.TransactionId, refund.OrderNo, refund.Row, refund.Amount, null, null, null,
                    ReconciliationKind.Refund, refund.RefundNo));
                continue;
            }

            var outcome = ourRefund.Amount == refund.Amount ? ReconciliationOutcome.Matched : ReconciliationOutcome.AmountDiffers;
            lines.Add(new ReconciliationLine(outcome, refund.TransactionId, refund.OrderNo, refund.Row, refund.Amount, ourRefund.PaymentId, ourRefund.Household, ourRefund.Amount,
                ReconciliationKind.Refund, refund.RefundNo));
        }

        foreach (var refund in recorded.Values.Where(r => r.RefundedOn == date && !seen.Contains(r.RefundNo)).OrderBy(r => r.RefundNo, StringComparer.Ordinal))
        {
            lines.Add(new ReconciliationLine(ReconciliationOutcome.MissingOnTheirs, refund.TransactionId, null, null, null, refund.PaymentId, refund.Household, refund.Amount,
                ReconciliationKind.Refund, refund.RefundNo));
        }

        return new ChannelReconciliationResult(channel, date, lines);
    }
}
