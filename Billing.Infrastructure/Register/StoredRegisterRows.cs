using NodaTime;
using RedProperty.Billing.Core;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;
using RedProperty.Billing.Infrastructure.Database;

namespace RedProperty.Billing.Infrastructure.Register;

// The stored register as PostgreSQL returns it, mapped by column name; each row converts itself to
// the domain's types, and an unknown stored word (level, building type, occupancy) is an error.

internal sealed record LevelRow(string CommunityCode, LocalDate EffectiveFrom, string ServiceLevel, decimal? AgreedPrice)
{
    public Dated<LevelAssignment> ToDated() =>
        new(EffectiveFrom, new LevelAssignment(RegisterStore.ParseLevel(ServiceLevel, CommunityCode), AgreedPrice is { } agreed ? new AreaPrice(agreed) : null));
}

internal sealed record BuildingTypeRow(string CommunityCode, string Building, string BuildingType);

internal sealed record CommunityRegisterRow(
    string Code,
    string Name,
    string OperatorCode,
    string OperatorName,
    string? ZoneCode,
    string City,
    string District,
    string RateBook,
    LocalDate BillingStart,
    string BuildingType)
{
    public Community ToCommunity(IReadOnlyList<Dated<LevelAssignment>> levels, IReadOnlyDictionary<string, BuildingType> buildings) =>
        new(
            new CommunityCode(Code),
            Name,
            OperatorCode,
            OperatorName,
            ZoneCode,
            City,
            District,
            RateBook,
            new Timeline<LevelAssignment>(levels),
            BillingStart,
            StoredValues.BuildingType(BuildingType),
            buildings);
}

internal sealed record HouseholdVersionRow(
    string HouseholdCode,
    LocalDate EffectiveFrom,
    string Building,
    string Unit,
    string Room,
    decimal BuildingArea,
    string OwnerName,
    string? OccupantName,
    string? Phone,
    int ParkingPermits)
{
    public Dated<HouseholdDetails> ToDated() =>
        new(EffectiveFrom, new HouseholdDetails(Building, Unit, Room, new SquareMetres(BuildingArea), OwnerName, OccupantName, Phone, ParkingPermits));
}

internal sealed record OccupancyStatusRow(string HouseholdCode, LocalDate EffectiveFrom, string Status)
{
    public Dated<Occupancy> ToDated() => new(EffectiveFrom, StoredValues.Occupancy(Status));
}

internal sealed record MeterQuantityRow(string HouseholdCode, string ItemCode, decimal Quantity);
