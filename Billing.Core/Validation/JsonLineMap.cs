using System.Text;
using System.Text.Json;

namespace RedProperty.Billing.Core.Validation;

/// <summary>
/// Maps JSON paths ("levels[1].pricePerSquareMetreMonth") to the line they stand on, so a rate
/// file error can say "line 14" to someone editing the file in Notepad.
/// </summary>
public sealed class JsonLineMap
{
    private readonly Dictionary<string, int> _lines;

    private JsonLineMap(Dictionary<string, int> lines) => _lines = lines;

    /// <summary>The line of <paramref name="path"/>, or of its nearest ancestor that exists (for a missing field).</summary>
    public int? LineOf(string path)
    {
        for (var p = path; ; p = Parent(p))
        {
            if (_lines.TryGetValue(p, out var line))
            {
                return line;
            }

            if (p.Length == 0)
            {
                return null;
            }
        }
    }

    public static JsonLineMap Build(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var frames = new List<Frame>();
        string? property = null;
        var line = 1;
        long scanned = 0;
        try
        {
            while (reader.Read())
            {
                for (; scanned < reader.TokenStartIndex; scanned++)
                {
                    if (bytes[scanned] == (byte)'\n')
                    {
                        line++;
                    }
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = Join(frames[^1].Path, reader.GetString() ?? string.Empty);
                        lines.TryAdd(property, line);
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var path = ValuePath(frames, property);
                        lines.TryAdd(path, line);
                        frames.Add(new Frame(path, reader.TokenType == JsonTokenType.StartArray));
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        lines.TryAdd(ValuePath(frames, property), line);
                        property = null;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A syntax error is reported by the parser with its own line; the map keeps what it read.
        }

        return new JsonLineMap(lines);
    }

    private static string ValuePath(List<Frame> frames, string? property)
    {
        if (frames.Count == 0)
        {
            return string.Empty;
        }

        var top = frames[^1];
        if (!top.IsArray)
        {
            return property ?? top.Path;
        }

        top.Index++;
        return $"{top.Path}[{top.Index}]";
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? string.Empty : path[..cut];
    }

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;

        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;
    }
}
