using NodaTime;
using RedProperty.Billing.Core.Rates;
using RedProperty.Billing.Core.Register;

namespace RedProperty.Billing.Infrastructure.Register;

/// <summary>A parsed value and the file row it came from, so later checks can still name the row.</summary>
public sealed record Sourced<T>(T Value, string Source, int Row);

/// <summary>A row of communities.csv: the community, its operator and zone, and its service level from a date.</summary>
/// <param name="LevelFrom">When the level (and agreed price) took effect; empty: since the start for a new community, today for a change.</param>
public sealed record CommunityRow(
    CommunityCode Code,
    string Name,
    string OperatorCode,
    string OperatorName,
    string? ZoneCode,
    string? ZoneName,
    string City,
    string District,
    string RateBook,
    BuildingType DefaultBuildingType,
    ServiceLevel Level,
    AreaPrice? AgreedPrice,
    LocalDate? LevelFrom,
    LocalDate BillingStart);

/// <summary>A row of buildings.csv: a building whose type differs from its community's default.</summary>
public sealed record BuildingRow(CommunityCode Community, string Building, BuildingType Type);

/// <summary>A row of households.csv: a household's details from a date.</summary>
/// <param name="EffectiveFrom">When these details took effect; empty: since the start for a new household, today for a change.</param>
public sealed record HouseholdRow(HouseholdCode Code, CommunityCode Community, HouseholdDetails Details, LocalDate? EffectiveFrom);

/// <summary>A row of occupancy.csv: from this date the home is occupied, vacant or not billed (moved out, not handed over).</summary>
public sealed record OccupancyRow(HouseholdCode Household, Occupancy Status, LocalDate EffectiveFrom);

/// <summary>A row of meter_readings.csv: the metered quantity of a fee item for a household and month.</summary>
public sealed record MeterReadingRow(HouseholdCode Household, YearMonth Period, string ItemCode, decimal Quantity);
