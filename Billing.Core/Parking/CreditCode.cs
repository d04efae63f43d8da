namespace RedProperty.Billing.Core.Parking;

/// <summary>
/// 统一社会信用代码: the 18-character code that identifies a business leasing a space (GB 32100-2015).
/// Its last character is a check digit, so a mistyped code is caught when it is entered.
/// </summary>
public readonly record struct CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    private CreditCode(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse(string? text, out CreditCode code, out string problem)
    {
        code = default;
        var value = text?.Trim().ToUpperInvariant() ?? string.Empty;
        if (value.Length != 18 || value.Any(c => !Alphabet.Contains(c, StringComparison.Ordinal)))
        {
            problem = $"'{text}' is not a unified social credit code: 18 digits and capital letters (no I, O, S, V, Z)";
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Alphabet.IndexOf(value[i], StringComparison.Ordinal) * Weights[i];
        }

        var check = Alphabet[(31 - (sum % 31)) % 31];
        if (value[17] != check)
        {
            problem = $"'{text}' fails its check digit (expected {check} at the end): a character is mistyped";
            return false;
        }

        code = new CreditCode(value);
        problem = string.Empty;
        return true;
    }

    public override string ToString() => Value;
}
