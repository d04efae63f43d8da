using RedProperty.Billing.Core.Operators;

namespace RedProperty.Billing.Infrastructure.Documents;

/// <summary>
/// What a statement's payment QR code carries. Kept behind an interface so that a signed link to
/// the resident's own page can replace the plain one without touching the documents.
/// </summary>
public interface IStatementPaymentLink
{
    string For(OperatorProfile profile, string householdCode, string statementNo);
}

/// <summary>The operator's payment page with the statement number: {paymentLinkBase}?statement={no}.</summary>
public sealed class OperatorPaymentLink : IStatementPaymentLink
{
    public static OperatorPaymentLink Instance { get; } = new();

    public string For(OperatorProfile profile, string householdCode, string statementNo) =>
        $"{profile.PaymentLinkBase}?statement={Uri.EscapeDataString(statementNo)}";
}
