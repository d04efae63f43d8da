using System.Text.Json;
using System.Text.Json.Serialization;

namespace RedProperty.Billing.Core.Validation;

/// <summary>
/// How every data file in rates/ is read: JSON with comments and trailing commas allowed (people
/// edit these by hand), unknown fields refused (a misspelt field must not be silently ignored),
/// and a syntax error reported with its file, line and field.
/// </summary>
public static class DataFileJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static (T? Value, InputError? Error) Read<T>(string source, string json, string codePrefix)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(json, Options);
            return value is null ? (null, new InputError(source, null, null, codePrefix + ".json.empty", "the file is empty")) : (value, null);
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? (int)l + 1 : (int?)null;
            var field = e.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : e.Path;

            // System.Text.Json appends "Path: … | LineNumber: …", which is reported as fields already.
            var message = e.Message.Split(" Path:")[0];
            return (null, new InputError(source, line, field, codePrefix + ".json.invalid", message));
        }
    }
}
