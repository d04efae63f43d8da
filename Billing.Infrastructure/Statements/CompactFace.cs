using System.Buffers.Binary;
using System.IO.Compression;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// The common WenQuanYi face, read once per process, and the font program a document embeds:
/// only the glyphs it drew, renumbered 1..n, so its glyph-offset and metrics tables have one
/// entry per glyph used instead of one per glyph of the font.
/// </summary>
/// <remarks>
/// Why not PDFsharp's own subset: PDFsharp keeps the font's glyph numbers, so it writes
/// the font's whole <c>loca</c> and <c>hmtx</c> tables (9,428 entries, 75 KB before compression)
/// into every document and deflates them every time, with its font machinery behind one
/// process-wide lock. That was about half of a statement's drawing time and a quarter of its
/// bytes (BENCHMARKS.md). The glyph outlines themselves are copied unchanged.
/// </remarks>
internal sealed class CompactFace
{
    private readonly byte[] _font;
    private readonly int _glyf, _head, _hhea, _maxp;
    private readonly int[] _glyphStart;
    private readonly ushort[] _advance;
    private readonly short[] _leftBearing;
    private readonly ushort[] _bmpGlyph = new ushort[0x10000];

    private CompactFace(byte[] font)
    {
        _font = font;
        _glyf = Table("glyf").Offset;
        _head = Table("head").Offset;
        _hhea = Table("hhea").Offset;
        _maxp = Table("maxp").Offset;
        var glyphs = U16(_maxp + 4);
        UnitsPerEm = U16(_head + 18);
        var longOffsets = U16(_head + 50) == 1;
        var loca = Table("loca").Offset;
        _glyphStart = new int[glyphs + 1];
        for (var g = 0; g <= glyphs; g++)
        {
            _glyphStart[g] = longOffsets ? (int)U32(loca + (g * 4)) : U16(loca + (g * 2)) * 2;
        }

        var hmtx = Table("hmtx").Offset;
        var metrics = U16(_hhea + 34);
        _advance = new ushort[glyphs];
        _leftBearing = new short[glyphs];
        for (var g = 0; g < glyphs; g++)
        {
            var at = g < metrics ? hmtx + (g * 4) : hmtx + (metrics * 4) + ((g - metrics) * 2);
            _advance[g] = (ushort)U16(hmtx + (Math.Min(g, metrics - 1) * 4));
            _leftBearing[g] = (short)U16(g < metrics ? at + 2 : at);
        }

        ReadBmpCmap();
        var scale = 1000.0 / UnitsPerEm;
        Ascent = (int)Math.Round((short)U16(_hhea + 4) * scale);
        Descent = (int)Math.Round((short)U16(_hhea + 6) * scale);
        BoundingBox = [.. new[] { 36, 38, 40, 42 }.Select(o => (int)Math.Round((short)U16(_head + o) * scale))];
        var os2 = Table("OS/2");
        CapHeight = os2.Length >= 90 ? (int)Math.Round((short)U16(os2.Offset + 88) * scale) : Ascent;
    }

    public static CompactFace Common { get; } = Load();

    public int UnitsPerEm { get; }

    /// <summary>Ascent, descent, cap height and bounding box in the PDF's thousandths of an em.</summary>
    public int Ascent { get; }

    public int Descent { get; }

    public int CapHeight { get; }

    public int[] BoundingBox { get; }

    /// <summary>The glyph drawing a BMP character, or 0 when this face cannot draw it on its own (missing, or made of other glyphs).</summary>
    public ushort Glyph(char c) => _bmpGlyph[c];

    public int Advance(ushort glyph) => _advance[glyph];

    /// <summary>
    /// A TrueType font with .notdef and <paramref name="glyphs"/> (in that order, so glyph i + 1 is
    /// glyphs[i]) and the tables a PDF viewer needs for a CID-keyed font (ISO 32000-1, 9.9), zlib-compressed.
    /// </summary>
    public byte[] Program(IReadOnlyList<ushort> glyphs, out int length)
    {
        var count = glyphs.Count + 1;
        ushort Original(int i) => i == 0 ? (ushort)0 : glyphs[i - 1];

        var glyfLength = 0;
        for (var i = 0; i < count; i++)
        {
            glyfLength += Padded(GlyphLength(Original(i)));
        }

        // Tags in ascending order, as the table directory requires.
        var tables = new (string Tag, int Length)[]
        {
            ("glyf", glyfLength), ("head", 54), ("hhea", 36), ("hmtx", count * 4), ("loca", (count + 1) * 4), ("maxp", 32),
        };
        var directory = 12 + (16 * tables.Length);
        var total = directory + tables.Sum(t => Padded(t.Length));
        var font = new byte[total];
        var span = font.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(span, 0x00010000);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], (ushort)tables.Length);
        BinaryPrimitives.WriteUInt16BigEndian(span[6..], 64); // searchRange for 6 tables: 16 * 4
        BinaryPrimitives.WriteUInt16BigEndian(span[8..], 2);
        BinaryPrimitives.WriteUInt16BigEndian(span[10..], (ushort)((tables.Length * 16) - 64));

        var offset = directory;
        var offsets = new int[tables.Length];
        for (var t = 0; t < tables.Length; t++)
        {
            offsets[t] = offset;
            offset += Padded(tables[t].Length);
        }

        // glyf and loca
        var glyf = span[offsets[0]..];
        var loca = span[offsets[4]..];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(loca[(i * 4)..], (uint)at);
            var g = Original(i);
            var bytes = GlyphLength(g);
            _font.AsSpan(_glyf + _glyphStart[g], bytes).CopyTo(glyf[at..]);
            at += Padded(bytes);
        }

        BinaryPrimitives.WriteUInt32BigEndian(loca[(count * 4)..], (uint)at);

        // head: the font's, with long glyph offsets and the checksum adjustment set last.
        var head = span.Slice(offsets[1], 54);
        _font.AsSpan(_head, 54).CopyTo(head);
        BinaryPrimitives.WriteUInt32BigEndian(head[8..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(head[50..], 1);

        var hhea = span.Slice(offsets[2], 36);
        _font.AsSpan(_hhea, 36).CopyTo(hhea);
        BinaryPrimitives.WriteUInt16BigEndian(hhea[34..], (ushort)count);

        var hmtx = span[offsets[3]..];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(hmtx[(i * 4)..], _advance[Original(i)]);
            BinaryPrimitives.WriteInt16BigEndian(hmtx[((i * 4) + 2)..], _leftBearing[Original(i)]);
        }

        var maxp = span.Slice(offsets[5], 32);
        _font.AsSpan(_maxp, 32).CopyTo(maxp);
        BinaryPrimitives.WriteUInt16BigEndian(maxp[4..], (ushort)count);

        for (var t = 0; t < tables.Length; t++)
        {
            var record = span[(12 + (16 * t))..];
            var tag = tables[t].Tag;
            record[0] = (byte)tag[0];
            record[1] = (byte)tag[1];
            record[2] = (byte)tag[2];
            record[3] = (byte)tag[3];
            var checksum = Checksum(span.Slice(offsets[t], Padded(tables[t].Length)));
            BinaryPrimitives.WriteUInt32BigEndian(record[4..], checksum);
            BinaryPrimitives.WriteUInt32BigEndian(record[8..], (uint)offsets[t]);
            BinaryPrimitives.WriteUInt32BigEndian(record[12..], (uint)tables[t].Length);
        }

        BinaryPrimitives.WriteUInt32BigEndian(head[8..], 0xB1B0AFBA - Checksum(span));

        length = total;
        return Deflate(font);
    }

    /// <summary>zlib-compressed, as a PDF stream's FlateDecode filter reads it.</summary>
    public static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream((data.Length / 2) + 64);
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private int GlyphLength(ushort glyph) => _glyphStart[glyph + 1] - _glyphStart[glyph];

    private static int Padded(int length) => (length + 3) & ~3;

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 4 <= data.Length; i += 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        }

        return sum;
    }

    private void ReadBmpCmap()
    {
        var cmap = Table("cmap").Offset;
        var records = U16(cmap + 2);
        for (var r = 0; r < records; r++)
        {
            var record = cmap + 4 + (r * 8);
            var table = cmap + (int)U32(record + 4);
            if (U16(record) != 3 || U16(record + 2) != 1 || U16(table) != 4)
            {
                continue;
            }

            var segments = U16(table + 6) / 2;
            var ends = table + 14;
            var starts = ends + (segments * 2) + 2;
            var deltas = starts + (segments * 2);
            var rangeOffsets = deltas + (segments * 2);
            for (var s = 0; s < segments; s++)
            {
                var (end, start) = (U16(ends + (s * 2)), U16(starts + (s * 2)));
                var delta = U16(deltas + (s * 2));
                var rangeOffset = U16(rangeOffsets + (s * 2));
                for (var c = start; c <= end && c != 0xFFFF; c++)
                {
                    var glyph = rangeOffset == 0
                        ? (c + delta) & 0xFFFF
                        : U16(rangeOffsets + (s * 2) + rangeOffset + ((c - start) * 2)) is var g and not 0 ? (g + delta) & 0xFFFF : 0;

                    // A composite glyph would need its parts renumbered too; the common cut has none, but a
                    // character drawn by one is left to PDFsharp rather than drawn wrongly.
                    if (glyph != 0 && glyph < _advance.Length && (GlyphLength((ushort)glyph) == 0 || (short)U16(_glyf + _glyphStart[glyph]) >= 0))
                    {
                        _bmpGlyph[c] = (ushort)glyph;
                    }
                }
            }

            return;
        }

        throw new InvalidDataException("The common face has no Windows BMP cmap (format 4).");
    }

    private (int Offset, int Length) Table(string tag)
    {
        var tables = U16(4);
        for (var i = 0; i < tables; i++)
        {
            var record = 12 + (i * 16);
            if (_font[record] == tag[0] && _font[record + 1] == tag[1] && _font[record + 2] == tag[2] && _font[record + 3] == tag[3])
            {
                return ((int)U32(record + 8), (int)U32(record + 12));
            }
        }

        return tag == "OS/2" ? (0, 0) : throw new InvalidDataException($"The common face has no '{tag}' table.");
    }

    private int U16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_font.AsSpan(at));

    private uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(_font.AsSpan(at));

    private static CompactFace Load()
    {
        StatementFonts.EnsureConfigured();
        return new CompactFace(StatementFonts.CommonFaceBytes);
    }
}
