using NodaTime;

namespace RedProperty.Billing.Core.Register;

/// <summary>A community (小区) as billed: who runs it, which rate book prices it, and since when it is billed.</summary>
/// <param name="BillingStart">"Serve first, charge later": service may begin months before billing does.</param>
public sealed record Community(
    CommunityCode Code,
    string Name,
    string OperatorName,
    string City,
    string District,
    string RateBook,
    ServiceLevel Level,
    LocalDate BillingStart);

/// <summary>A household (户) with the building area its fee is computed from.</summary>
public sealed record Household(
    HouseholdCode Code,
    CommunityCode Community,
    string Building,
    string Unit,
    string Room,
    SquareMetres Area,
    string OwnerName)
{
    /// <summary>"3号楼2单元301室", the address residents recognise.</summary>
    public string Address => $"{Building}号楼{Unit}单元{Room}室";
}
