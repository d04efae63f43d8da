namespace RedProperty.Billing.Core.Statements;

/// <summary>
/// The resident's account as a statement shows it: what the previous statement asked for, every
/// ledger movement since (payments, reversals), this month's charges, and the amount due now.
/// </summary>
/// <remarks>
/// "Since" is measured as the ledger balance now minus what the previous statement asked for,
/// not by picking entries after some id: a payment recorded while statements are being issued is
/// then counted on exactly one statement, whichever side of the issue it lands on.
/// </remarks>
public sealed record AccountPosition(Money PreviousBalance, Money PaymentsSince, Money Charges)
{
    public static readonly AccountPosition None = new(Money.Zero, Money.Zero, Money.Zero);

    /// <param name="previousAmountDue">The amount due on the household's previous statement (zero for its first).</param>
    /// <param name="ledgerBalance">The household's ledger balance before this statement's charge.</param>
    /// <param name="charges">This statement's total.</param>
    public static AccountPosition From(Money previousAmountDue, Money ledgerBalance, Money charges) =>
        new(previousAmountDue, ledgerBalance - previousAmountDue, charges);

    /// <summary>The ledger balance once this statement is charged; negative when paid in advance.</summary>
    public Money AmountDue => PreviousBalance + PaymentsSince + Charges;

    /// <summary>What the resident is asked to pay: nothing when advance payments cover it.</summary>
    public Money ToPay => AmountDue.IsNegative ? Money.Zero : AmountDue;

    /// <summary>Advance payments left over after this statement.</summary>
    public Money Credit => AmountDue.IsNegative ? -AmountDue : Money.Zero;
}
