using System.Buffers.Binary;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// The Unicode code points a TrueType font has glyphs for, read from its <c>cmap</c> table.
/// PDFsharp draws a missing character as an empty box without saying so, so we ask the font
/// itself before choosing it for a character.
/// </summary>
public sealed class FontCoverage
{
    private readonly HashSet<int> _codePoints;

    private FontCoverage(HashSet<int> codePoints) => _codePoints = codePoints;

    public int Count => _codePoints.Count;

    public bool Has(int codePoint) => _codePoints.Contains(codePoint);

    /// <summary>
    /// Reads the Windows Unicode subtable: format 12 (all planes, so Extension B names) when the
    /// font has one, else format 4 (the Basic Multilingual Plane only).
    /// </summary>
    public static FontCoverage Read(ReadOnlySpan<byte> font)
    {
        var cmap = FindTable(font, "cmap");
        var count = U16(cmap, 2);
        int? full = null, bmp = null;
        for (var i = 0; i < count; i++)
        {
            var record = cmap[(4 + (i * 8))..];
            var (platform, encoding, offset) = (U16(record, 0), U16(record, 2), (int)U32(record, 4));
            var format = U16(cmap, offset);
            if (platform == 3 && encoding == 10 && format == 12)
            {
                full = offset;
            }
            else if (platform == 3 && encoding == 1 && format == 4)
            {
                bmp = offset;
            }
        }

        var codePoints = new HashSet<int>();
        if (full is { } f)
        {
            ReadFormat12(cmap[f..], codePoints);
        }
        else if (bmp is { } b)
        {
            ReadFormat4(cmap[b..], codePoints);
        }
        else
        {
            throw new InvalidDataException("The font has no Windows Unicode cmap (format 4 or 12).");
        }

        return new FontCoverage(codePoints);
    }

    private static void ReadFormat12(ReadOnlySpan<byte> table, HashSet<int> codePoints)
    {
        var groups = (int)U32(table, 12);
        for (var i = 0; i < groups; i++)
        {
            var group = table[(16 + (i * 12))..];
            var (start, end, glyph) = (U32(group, 0), U32(group, 4), U32(group, 8));
            for (var c = start; c <= end; c++)
            {
                // Glyph 0 is .notdef: mapped to it means "not in this font".
                if (glyph + (c - start) != 0)
                {
                    codePoints.Add((int)c);
                }
            }
        }
    }

    private static void ReadFormat4(ReadOnlySpan<byte> table, HashSet<int> codePoints)
    {
        var segments = U16(table, 6) / 2;
        var ends = 14;
        var starts = ends + (segments * 2) + 2;
        var deltas = starts + (segments * 2);
        var rangeOffsets = deltas + (segments * 2);
        for (var s = 0; s < segments; s++)
        {
            var (end, start) = (U16(table, ends + (s * 2)), U16(table, starts + (s * 2)));
            var delta = U16(table, deltas + (s * 2));
            var rangeOffset = U16(table, rangeOffsets + (s * 2));
            for (var c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph;
                if (rangeOffset == 0)
                {
                    glyph = (c + delta) & 0xFFFF;
                }
                else
                {
                    var at = rangeOffsets + (s * 2) + rangeOffset + ((c - start) * 2);
                    glyph = U16(table, at);
                    glyph = glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
                }

                if (glyph != 0)
                {
                    codePoints.Add(c);
                }
            }
        }
    }

    private static ReadOnlySpan<byte> FindTable(ReadOnlySpan<byte> font, string tag)
    {
        var tables = U16(font, 4);
        for (var i = 0; i < tables; i++)
        {
            var record = font[(12 + (i * 16))..];
            if (record[0] == tag[0] && record[1] == tag[1] && record[2] == tag[2] && record[3] == tag[3])
            {
                return font.Slice((int)U32(record, 8), (int)U32(record, 12));
            }
        }

        throw new InvalidDataException($"The font has no '{tag}' table.");
    }

    private static int U16(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt16BigEndian(data[at..]);

    private static uint U32(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
}
