using NodaTime;
using RedProperty.Billing.Core.Rates;

namespace RedProperty.Billing.Core.Register;

/// <summary>A community's service level from a date on, with the price agreed with residents if it differs from the benchmark.</summary>
/// <param name="AgreedPrice">协议价: must lie within the rate book's allowed band around the benchmark.</param>
public sealed record LevelAssignment(ServiceLevel Level, AreaPrice? AgreedPrice = null);

/// <summary>A community (小区) as billed: who runs it, which rate book prices it, and since when it is billed.</summary>
/// <param name="Levels">Service level history: upgrades and merged compounds change it on a date.</param>
/// <param name="BillingStart">"Serve first, charge later": service may begin months before billing does.</param>
/// <param name="BuildingTypes">Building number → type; buildings not listed have <paramref name="DefaultBuildingType"/>.</param>
public sealed record Community(
    CommunityCode Code,
    string Name,
    string OperatorCode,
    string OperatorName,
    string? ZoneCode,
    string City,
    string District,
    string RateBook,
    Timeline<LevelAssignment> Levels,
    LocalDate BillingStart,
    BuildingType DefaultBuildingType,
    IReadOnlyDictionary<string, BuildingType> BuildingTypes)
{
    public BuildingType TypeOf(string building) =>
        BuildingTypes.TryGetValue(building, out var type) ? type : DefaultBuildingType;

    /// <summary>The level on a date; convenient for statements and reports.</summary>
    public ServiceLevel LevelOn(LocalDate date) => Levels.ValueOn(date).Level;
}

/// <summary>What may change about a home over time: its area (a corrected certificate) and who lives there.</summary>
public sealed record HouseholdDetails(
    string Building,
    string Unit,
    string Room,
    SquareMetres Area,
    string OwnerName,
    string? OccupantName = null,
    string? Phone = null,
    int ParkingPermits = 0)
{
    /// <summary>"3号楼2单元301室", the address residents recognise.</summary>
    public string Address => $"{Building}号楼{Unit}单元{Room}室";
}

/// <summary>A household (户): its details and occupancy, both effective-dated.</summary>
public sealed record Household(
    HouseholdCode Code,
    CommunityCode Community,
    Timeline<HouseholdDetails> Details,
    Timeline<Occupancy> Occupancy)
{
    /// <summary>A household with one set of details, occupied throughout: the common case, and handy in tests.</summary>
    public static Household Simple(HouseholdCode code, CommunityCode community, string building, string unit, string room, SquareMetres area, string owner) =>
        new(code, community, Timeline<HouseholdDetails>.Always(new HouseholdDetails(building, unit, room, area, owner)),
            Timeline<Register.Occupancy>.Always(Register.Occupancy.Occupied));

    public HouseholdDetails DetailsOn(LocalDate date) => Details.ValueOn(date);
}
