namespace RedProperty.Billing.Core.Accounts;

/// <summary>Whether a staff entry brings money in or pays it out.</summary>
public enum EntryDirection
{
    Income,
    Spending,
}

/// <summary>
/// A category staff enter income or spending under: a stable code for data and the Api, and the
/// Chinese label residents read on the notice. The lists are closed so every notice groups alike.
/// </summary>
public readonly record struct AccountsCategory(EntryDirection Direction, string Code, string Label)
{
    public static readonly AccountsCategory Charging = new(EntryDirection.Income, "charging", "充电收入");
    public static readonly AccountsCategory OtherIncome = new(EntryDirection.Income, "other", "其他收入");

    public static readonly AccountsCategory Salaries = new(EntryDirection.Spending, "salaries", "人员工资");
    public static readonly AccountsCategory Repairs = new(EntryDirection.Spending, "repairs", "维修");
    public static readonly AccountsCategory Cleaning = new(EntryDirection.Spending, "cleaning", "保洁");
    public static readonly AccountsCategory Greening = new(EntryDirection.Spending, "greening", "绿化");
    public static readonly AccountsCategory Security = new(EntryDirection.Spending, "security", "秩序维护（安保）");
    public static readonly AccountsCategory SharedUtilities = new(EntryDirection.Spending, "utilities", "水电公摊");
    public static readonly AccountsCategory OtherSpending = new(EntryDirection.Spending, "other", "其他支出");

    public static IReadOnlyList<AccountsCategory> Income { get; } = [Charging, OtherIncome];

    public static IReadOnlyList<AccountsCategory> Spending { get; } = [Salaries, Repairs, Cleaning, Greening, Security, SharedUtilities, OtherSpending];

    public static IReadOnlyList<AccountsCategory> Of(EntryDirection direction) => direction == EntryDirection.Income ? Income : Spending;

    public static bool TryParse(EntryDirection direction, string? code, out AccountsCategory category)
    {
        category = Of(direction).FirstOrDefault(c => string.Equals(c.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase));
        return category.Code is not null;
    }

    public static string Codes(EntryDirection direction) => string.Join(", ", Of(direction).Select(c => c.Code));

    public static string DirectionCode(EntryDirection direction) => direction == EntryDirection.Income ? "income" : "spending";

    public static bool TryParseDirection(string? code, out EntryDirection direction)
    {
        (var ok, direction) = code switch
        {
            "income" => (true, EntryDirection.Income),
            "spending" => (true, EntryDirection.Spending),
            _ => (false, EntryDirection.Income),
        };
        return ok;
    }
}

/// <summary>
/// One amount staff entered for a community's month. Entries are never edited: a correction is a
/// new entry that names the one it corrects and carries the difference (it may be negative).
/// </summary>
public sealed record AccountsEntry(
    long Id,
    AccountsCategory Category,
    Money Amount,
    string Reference,
    string Description,
    NodaTime.LocalDate EnteredOn,
    long? Corrects);
