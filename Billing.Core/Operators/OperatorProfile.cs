using RedProperty.Billing.Core.Parking;

namespace RedProperty.Billing.Core.Operators;

/// <summary>A community's service centre (物业服务中心): where residents go and whom they call.</summary>
/// <param name="Community">The community code, or "*" for the centre that serves every community not listed.</param>
public sealed record ServiceCentre(string Community, string Name, string Address, string Phone, string? Hours);

/// <summary>The account residents and businesses pay into by bank transfer (对公账户).</summary>
public sealed record BankAccount(string Bank, string AccountName, string Number);

/// <summary>
/// Who the documents are from and how to reach and pay them: the legal name and unified social
/// credit code printed on every document, each community's service centre, the complaint line,
/// and the payment methods. Rules as data (rates/operators/&lt;code&gt;.json), so a new phone number
/// is a reviewed file change, never a code change.
/// </summary>
/// <param name="PaymentLinkBase">The operator's online payment page; a statement's QR code carries it with the statement number.</param>
/// <param name="ReceiptPrefix">The operator's receipt number series, e.g. "TCJY-SJ" gives "TCJY-SJ-2026-000001".</param>
/// <param name="SealImage">Optional path of the seal (公章) image, relative to the profile's folder; absent, documents print an empty seal box.</param>
public sealed record OperatorProfile(
    string Code,
    string LegalName,
    CreditCode CreditCode,
    string ComplaintPhone,
    string? ComplaintBody,
    IReadOnlyList<ServiceCentre> ServiceCentres,
    BankAccount Bank,
    string PaymentLinkBase,
    IReadOnlyList<string> PaymentMethods,
    string ReceiptPrefix,
    string? SealImage)
{
    /// <summary>
    /// Corrections of issued statements larger than this (either way) wait for a finance manager's
    /// approval; smaller ones take effect at once. Absent from the file it is zero: every correction
    /// is approved by a second person.
    /// </summary>
    public Money CorrectionApprovalAbove { get; init; } = Money.Zero;

    /// <summary>The community's own centre, else the operator's general one ("*").</summary>
    public ServiceCentre CentreFor(string community) =>
        ServiceCentres.FirstOrDefault(c => c.Community == community)
        ?? ServiceCentres.First(c => c.Community == OperatorProfiles.AnyCommunity);
}

/// <summary>Every operator's profile by operator code.</summary>
public sealed class OperatorProfiles(IReadOnlyList<OperatorProfile> profiles)
{
    public const string AnyCommunity = "*";

    private readonly Dictionary<string, OperatorProfile> byCode = profiles.ToDictionary(p => p.Code, StringComparer.Ordinal);

    public static OperatorProfiles Empty { get; } = new([]);

    public IReadOnlyCollection<OperatorProfile> All => byCode.Values;

    public OperatorProfile? For(string operatorCode) => byCode.GetValueOrDefault(operatorCode);
}
