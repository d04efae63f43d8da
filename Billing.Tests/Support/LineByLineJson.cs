namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// A JSON rate file written one field per line, so that an error's line number is known: line 1 is
/// "{", the entry at index i of the valid lines is on line i + 2, and a field is left out by turning
/// its line into a comment, so the other lines keep their numbers.
/// </summary>
public static class LineByLineJson
{
    /// <summary><paramref name="validLines"/> with some lines replaced: (line number, new text); null text leaves the field out.</summary>
    public static string With(IReadOnlyList<string> validLines, params (int Line, string? Text)[] changes)
    {
        var lines = validLines.ToArray();
        foreach (var (line, text) in changes)
        {
            lines[line - 2] = text ?? "// (left out)";
        }

        return "{\n" + string.Join("\n", lines) + "\n}";
    }
}
