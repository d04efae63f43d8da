using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RedProperty.Billing.Tests.Api;

/// <summary>
/// Checks a JSON body against an OpenAPI 3.1 schema, for the subset ASP.NET Core emits: $ref into
/// components, type (one or a list, "null" for nullable), properties, required, items,
/// additionalProperties, format (date, date-time), pattern, oneOf/anyOf/allOf. Stricter than JSON
/// Schema on purpose: a property the schema does not name is an error, and so is an object or value
/// whose schema declares nothing (an anonymous body, a type described by reflection only), because
/// the document exists to say exactly what is sent.
/// </summary>
public sealed class ResponseSchema(JsonElement components)
{
    public List<string> Check(JsonElement value, JsonElement schema, string path = "$")
    {
        var errors = new List<string>();
        Check(value, schema, path, errors);
        return errors;
    }

    private void Check(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/').Last();
            if (!components.GetProperty("schemas").TryGetProperty(name, out var target))
            {
                errors.Add($"{path}: the schema refers to {name}, which the document lacks");
                return;
            }

            Check(value, target, path, errors);
            return;
        }

        foreach (var combinator in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                var attempts = options.EnumerateArray().Select(o => Check(value, o, path)).ToList();
                if (!attempts.Any(a => a.Count == 0))
                {
                    errors.Add($"{path}: matches none of {combinator}: {string.Join(" | ", attempts.SelectMany(a => a).Take(4))}");
                }

                return;
            }
        }

        if (schema.TryGetProperty("allOf", out var all))
        {
            foreach (var part in all.EnumerateArray())
            {
                Check(value, part, path, errors);
            }

            return;
        }

        var types = Types(schema);
        if (types.Count == 0)
        {
            if (schema.TryGetProperty("properties", out _))
            {
                types.Add("object");
            }
            else
            {
                errors.Add($"{path}: the schema declares nothing about this {value.ValueKind} value");
                return;
            }
        }

        var kind = Kind(value);
        if (!types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
        {
            errors.Add($"{path}: {kind} where the schema declares {string.Join(" or ", types)}");
            return;
        }

        switch (kind)
        {
            case "string":
                CheckString(value.GetString()!, schema, path, errors);
                break;
            case "object":
                CheckObject(value, schema, path, errors);
                break;
            case "array":
                if (!schema.TryGetProperty("items", out var items))
                {
                    errors.Add($"{path}: an array whose items the schema does not describe");
                    break;
                }

                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(item, items, $"{path}[{i++}]", errors);
                }

                break;
        }
    }

    private void CheckObject(JsonElement value, JsonElement schema, string path, List<string> errors)
    {
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var hasExtra = schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.Object;
        if (!hasProperties && !hasExtra)
        {
            errors.Add($"{path}: an object whose properties the schema does not describe");
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(property.Value, propertySchema, $"{path}.{property.Name}", errors);
            }
            else if (hasExtra)
            {
                Check(property.Value, extra, $"{path}.{property.Name}", errors);
            }
            else
            {
                errors.Add($"{path}.{property.Name}: sent but not declared");
            }
        }

        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{path}.{name}: declared required but not sent");
                }
            }
        }
    }

    private static void CheckString(string text, JsonElement schema, string path, List<string> errors)
    {
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        var ok = format switch
        {
            "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && text.Contains('T', StringComparison.Ordinal),
            _ => true,
        };
        if (!ok)
        {
            errors.Add($"{path}: '{text}' is not a {format}");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{path}: '{text}' does not match {pattern.GetString()}");
        }
    }

    private static List<string> Types(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return [];
        }

        var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
        {
            types.Add("null");
        }

        return types;
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        _ => value.ValueKind.ToString(),
    };
}
