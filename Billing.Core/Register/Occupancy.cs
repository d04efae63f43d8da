namespace RedProperty.Billing.Core.Register;

/// <summary>Whether a home is billed on a day, as recorded by move-in, move-out and vacancy dates.</summary>
public enum Occupancy
{
    /// <summary>入住: billed in full.</summary>
    Occupied,

    /// <summary>空置: billed at the rate book's vacancy share when it has one, in full otherwise.</summary>
    Vacant,

    /// <summary>未交付 / 迁出: not handed over yet, or moved out; nothing is billed.</summary>
    NotBilled,
}

public static class Occupancies
{
    public static bool TryParse(string? text, out Occupancy occupancy)
    {
        switch (text?.Trim())
        {
            case "occupied" or "入住":
                occupancy = Occupancy.Occupied;
                return true;
            case "vacant" or "空置":
                occupancy = Occupancy.Vacant;
                return true;
            case "not-billed" or "moved-out" or "迁出" or "未交付":
                occupancy = Occupancy.NotBilled;
                return true;
            default:
                occupancy = Occupancy.Occupied;
                return false;
        }
    }

    public static string Name(this Occupancy o) => o switch
    {
        Occupancy.Occupied => "occupied",
        Occupancy.Vacant => "vacant",
        _ => "not-billed",
    };
}
