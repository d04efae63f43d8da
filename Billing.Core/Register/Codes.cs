namespace RedProperty.Billing.Core.Register;

/// <summary>A household's code, unique across the operator (e.g. HZ-FXY-01-1-101).</summary>
public readonly record struct HouseholdCode
{
    public HouseholdCode(string value)
    {
        Value = Codes.Validate(value, nameof(HouseholdCode));
    }

    public string Value { get; }

    public static bool TryParse(string? value, out HouseholdCode code)
    {
        code = Codes.IsValid(value) ? new HouseholdCode(value!) : default;
        return Codes.IsValid(value);
    }

    public override string ToString() => Value;
}

/// <summary>A community's code (e.g. HZ-FXY for 丰鑫园小区).</summary>
public readonly record struct CommunityCode
{
    public CommunityCode(string value)
    {
        Value = Codes.Validate(value, nameof(CommunityCode));
    }

    public string Value { get; }

    public static bool TryParse(string? value, out CommunityCode code)
    {
        code = Codes.IsValid(value) ? new CommunityCode(value!) : default;
        return Codes.IsValid(value);
    }

    public override string ToString() => Value;
}

internal static class Codes
{
    // Codes end up in file names, URLs and CSV files, so they stay plain ASCII.
    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value)
        && value.Length <= 64
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static string Validate(string value, string what) =>
        IsValid(value)
            ? value
            : throw new ArgumentException($"'{value}' is not a valid {what}: use 1-64 ASCII letters, digits, '-', '_' or '.'.", nameof(value));
}
