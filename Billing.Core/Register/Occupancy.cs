using NodaTime;

namespace RedProperty.Billing.Core.Register;

/// <summary>Whether a home is billed on a day, as recorded by move-in, move-out and vacancy dates.</summary>
public enum Occupancy
{
    /// <summary>入住: billed in full.</summary>
    Occupied,

    /// <summary>空置: billed at the rate book's vacancy share when it has one, in full otherwise.</summary>
    Vacant,

    /// <summary>未交付: not handed over yet; nothing is billed.</summary>
    NotBilled,

    /// <summary>迁出: moved out; nothing is billed from the move-out date (the first unbilled day).</summary>
    MovedOut,
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
            case "not-billed" or "未交付":
                occupancy = Occupancy.NotBilled;
                return true;
            case "moved-out" or "迁出":
                occupancy = Occupancy.MovedOut;
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
        Occupancy.NotBilled => "not-billed",
        Occupancy.MovedOut => "moved-out",
        _ => throw new ArgumentOutOfRangeException(nameof(o), o, "not an occupancy status"),
    };

    /// <summary>Whether any fee is charged while a home is in this state.</summary>
    public static bool IsBilled(this Occupancy o) => o is Occupancy.Occupied or Occupancy.Vacant;

    /// <summary>
    /// The state a home was in before its first recorded row, implied by that row: a move-in
    /// (入住) or a "not handed over" row (未交付) means it was not billed before; a move-out (迁出) or
    /// a home falling vacant (空置) means it was occupied until then.
    /// </summary>
    public static Occupancy Before(this Occupancy first) => first switch
    {
        Occupancy.Occupied or Occupancy.NotBilled => Occupancy.NotBilled,
        Occupancy.Vacant or Occupancy.MovedOut => Occupancy.Occupied,
        _ => throw new ArgumentOutOfRangeException(nameof(first), first, "not an occupancy status"),
    };

    /// <summary>
    /// A household's occupancy history from its recorded rows: each row holds from its date until
    /// the next one, and before the first row the home is in the state that row implies
    /// (<see cref="Before"/>), never in the state of the first row itself. No rows: occupied throughout.
    /// </summary>
    public static Timeline<Occupancy> History(IEnumerable<Dated<Occupancy>> rows)
    {
        var sorted = rows.OrderBy(r => r.From).ToList();
        if (sorted.Count == 0)
        {
            return Timeline<Occupancy>.Always(Occupancy.Occupied);
        }

        var first = sorted[0];
        if (first.From > LocalDate.MinIsoValue && first.Value.Before() != first.Value)
        {
            sorted.Insert(0, new Dated<Occupancy>(LocalDate.MinIsoValue, first.Value.Before()));
        }

        return new Timeline<Occupancy>(sorted);
    }
}
