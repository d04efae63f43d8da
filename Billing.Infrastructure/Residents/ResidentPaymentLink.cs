using Microsoft.Extensions.Configuration;
using NodaTime;
using RedProperty.Billing.Core.Operators;
using RedProperty.Billing.Infrastructure.Documents;

namespace RedProperty.Billing.Infrastructure.Residents;

/// <summary>
/// The statement's QR code as a signed link to the household's own page: the operator's public
/// address (its profile's payment link base, where the residents' pages are served) followed by
/// /r/{token} naming the household and the statement. It stays valid for a season, long enough
/// for a statement on the fridge, and the page still asks for the phone check before anything is shown.
/// </summary>
public sealed class ResidentPaymentLink(ResidentLinks links, IClock clock, Duration valid) : IStatementPaymentLink
{
    public static readonly Duration DefaultValidity = Duration.FromDays(92);

    public string For(OperatorProfile profile, string householdCode, string statementNo) =>
        profile.PaymentLinkBase.TrimEnd('/') + links.PathFor(householdCode, statementNo, clock.GetCurrentInstant() + valid);

    /// <summary>The documents with this link when Residents:LinkKey is configured; the plain operator link otherwise.</summary>
    public static DocumentContext Documents(IConfiguration configuration, IClock clock) =>
        string.IsNullOrEmpty(configuration[ResidentLinks.ConfigurationKey])
            ? DocumentContext.Default
            : DocumentContext.Default.WithPaymentLink(new ResidentPaymentLink(ResidentLinks.FromConfiguration(configuration, clock), clock, DefaultValidity));
}
