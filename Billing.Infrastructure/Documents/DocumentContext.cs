using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Operators;
using RedProperty.Billing.Core.Statements;
using RedProperty.Billing.Infrastructure.Rates;

namespace RedProperty.Billing.Infrastructure.Documents;

/// <summary>
/// What every document needs besides its own figures: the operator's profile (names, phones,
/// payment methods, seal), the Chinese names of the rules, and what the payment QR code carries.
/// </summary>
public sealed record DocumentContext(OperatorProfiles Profiles, RuleTitles Titles, IStatementPaymentLink PaymentLink, string? RatesDir)
{
    /// <summary>The parking books, for the time windows a business invoice names.</summary>
    public Core.Parking.ParkingRateBook Parking { get; init; } = Core.Parking.ParkingRateBook.Empty;

    private static readonly Lazy<DocumentContext> FromCheckout = new(() => Load(RepositoryPaths.Rates));

    /// <summary>The checkout's rates/ folder, read once: what the commands, the Api and the tests use unless told otherwise.</summary>
    public static DocumentContext Default => FromCheckout.Value;

    public static DocumentContext Load(string ratesDir, IStatementPaymentLink? link = null) => new(
        OperatorDirectory.Load(ratesDir),
        new RuleTitles(RateDirectory.Load(ratesDir), RateDirectory.LoadSubsidies(ratesDir), RateDirectory.LoadPoints(ratesDir), RateDirectory.LoadParking(ratesDir)),
        link ?? OperatorPaymentLink.Instance,
        ratesDir)
    {
        Parking = RateDirectory.LoadParking(ratesDir),
    };

    public DocumentContext WithPaymentLink(IStatementPaymentLink link) => this with { PaymentLink = link };

    public OperatorProfile? Profile(string operatorCode) => Profiles.For(operatorCode);

    /// <summary>The operator's correction threshold; an operator without a profile has none, so every correction needs approval.</summary>
    public Money CorrectionApprovalAbove(string operatorCode) => Profile(operatorCode)?.CorrectionApprovalAbove ?? Money.Zero;

    public byte[]? Seal(OperatorProfile profile) => RatesDir is null ? null : OperatorDirectory.SealImage(RatesDir, profile);
}
