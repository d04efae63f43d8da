namespace RedProperty.Billing.Core.Register;

/// <summary>
/// City benchmarks price high-rise and multi-storey buildings differently (elevators, pumps,
/// fire systems), so a building's type picks the rate book row.
/// </summary>
public enum BuildingType
{
    /// <summary>多层: up to six floors, usually no elevator; most old communities.</summary>
    MultiStorey,

    /// <summary>高层: seven floors and more, with elevators.</summary>
    HighRise,
}

public static class BuildingTypes
{
    public static bool TryParse(string? text, out BuildingType type)
    {
        switch (text?.Trim())
        {
            case "multi-storey" or "多层":
                type = BuildingType.MultiStorey;
                return true;
            case "high-rise" or "高层":
                type = BuildingType.HighRise;
                return true;
            default:
                type = BuildingType.MultiStorey;
                return false;
        }
    }

    public static string Name(this BuildingType type) => type == BuildingType.HighRise ? "high-rise" : "multi-storey";

    public static string Display(this BuildingType type) => type == BuildingType.HighRise ? "高层" : "多层";
}
