using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// Draws text in the common face with a font program built for the document by
/// <see cref="CompactFace"/> instead of PDFsharp's subset. A document opts in with
/// <see cref="Attach"/>; <see cref="FallbackText"/> then sends every run of the common face here,
/// and <see cref="PdfText.Save(PdfDocument)"/> embeds the font once drawing is done. Text in the
/// other faces, lines and images stay PDFsharp's.
/// </summary>
/// <remarks>
/// The text is written as PDFsharp writes it (same positions, baselines, widths and simulated
/// bold: fill and stroke with a stroke of 2 % of the size and as much extra space after each
/// character), as a text object of its own inside q/Q, so PDFsharp's idea of the graphics state
/// stays true.
/// </remarks>
public sealed class CompactText
{
    private const string FontResource = "/FC0";
    private const int DefaultWidth = 1000;
    private static readonly ConditionalWeakTable<PdfDocument, CompactText> Documents = [];
    private static readonly ConditionalWeakTable<XFont, object> Eligible = [];
    private static readonly object Yes = new(), No = new();

    private readonly CompactFace _face = CompactFace.Common;
    private readonly Dictionary<ushort, ushort> _numbers = [];
    private readonly List<ushort> _glyphs = [];
    private readonly List<char> _chars = [];
    private readonly List<PdfPage> _pages = [];
    private readonly StringBuilder _hex = new();
    private PdfPage? _lastPage;
    private int _lastLength;

    private CompactText()
    {
    }

    /// <summary>From now on, common-face text drawn in <paramref name="document"/> with <see cref="FallbackText"/> goes through a compact font.</summary>
    public static void Attach(PdfDocument document) => Documents.AddOrUpdate(document, new CompactText());

    internal static CompactText? Of(XGraphics gfx) =>
        gfx.PdfPage?.Owner is { } document && Documents.TryGetValue(document, out var compact) ? compact : null;

    /// <summary>Whether every character of <paramref name="text"/> is drawn by the common face in <paramref name="font"/>.</summary>
    internal bool CanDraw(string text, XFont font)
    {
        if (!IsCommonFace(font))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (_face.Glyph(c) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The width PDFsharp measures for the text (simulated bold adds 2 % of the size per character).</summary>
    internal double Width(string text, XFont font)
    {
        var units = 0;
        foreach (var c in text)
        {
            units += _face.Advance(_face.Glyph(c));
        }

        var width = units * font.Size / _face.UnitsPerEm;
        return IsBold(font) ? width + (text.Length * font.Size * 0.02) : width;
    }

    /// <summary>Draws where PDFsharp 6.5 would draw the string in the rectangle (its placement, copied).</summary>
    internal void Draw(XGraphics gfx, string text, XFont font, XBrush brush, XRect rect, XStringFormat format)
    {
        var x = rect.X;
        var y = rect.Y;
        var height = font.GetHeight();
        var ascent = height * font.CellAscent / font.CellSpace;
        var descent = height * font.CellDescent / font.CellSpace;
        x += format.Alignment switch
        {
            XStringAlignment.Center => (rect.Width - Width(text, font)) / 2,
            XStringAlignment.Far => rect.Width - Width(text, font),
            _ => 0,
        };
        y += format.LineAlignment switch
        {
            XLineAlignment.Near => ascent,
            XLineAlignment.Center => (ascent * 3 / 4 / 2) + (rect.Height / 2),
            XLineAlignment.Far => -descent + rect.Height,
            _ => 0,
        };
        DrawAt(gfx, text, font, brush, x, y);
    }

    /// <summary>Draws the text with its baseline's left end at (<paramref name="x"/>, <paramref name="baseline"/>), in the page's top-down points.</summary>
    internal void DrawAt(XGraphics gfx, string text, XFont font, XBrush brush, double x, double baseline)
    {
        var page = gfx.PdfPage!;
        var content = gfx.Internals.ContentStringBuilder ?? throw new InvalidOperationException("Compact text needs a PDF page.");
        if (!ReferenceEquals(page, _lastPage) || content.Length != _lastLength)
        {
            // PDFsharp wrote since: end any text object it left open (its remembered state is what q/Q below restores).
            gfx.Restore(gfx.Save());
            content = gfx.Internals.ContentStringBuilder!;
            if (!_pages.Contains(page))
            {
                _pages.Add(page);
            }
        }

        _hex.Clear();
        foreach (var c in text)
        {
            var original = _face.Glyph(c);
            if (!_numbers.TryGetValue(original, out var number))
            {
                _glyphs.Add(original);
                _chars.Add(c);
                number = (ushort)_glyphs.Count;
                _numbers[original] = number;
            }

            _hex.Append(number.ToString("X4", CultureInfo.InvariantCulture));
        }

        var color = brush is XSolidBrush solid ? solid.Color : XColors.Black;
        var rgb = string.Create(CultureInfo.InvariantCulture, $"{color.R / 255.0:0.###} {color.G / 255.0:0.###} {color.B / 255.0:0.###}");
        var size = font.Size;
        var y = gfx.PageSize.Height - baseline;
        content.Append("q\n").Append(rgb).Append(" rg\n");
        if (IsBold(font))
        {
            var stroke = size * 0.02;
            content.Append(rgb).Append(" RG\n")
                .Append(string.Create(CultureInfo.InvariantCulture, $"{stroke:0.###} w\nBT\n2 Tr\n{stroke:0.###} Tc\n"));
        }
        else
        {
            content.Append("BT\n");
        }

        content.Append(string.Create(CultureInfo.InvariantCulture, $"{FontResource} {size:0.###} Tf\n{x:0.####} {y:0.####} Td\n<"))
            .Append(_hex).Append("> Tj\nET\nQ\n");
        (_lastPage, _lastLength) = (page, content.Length);
    }

    /// <summary>Embeds the font the document's compact text uses (once drawing is done, before saving).</summary>
    internal static void Finish(PdfDocument document)
    {
        if (Documents.TryGetValue(document, out var compact) && compact._glyphs.Count > 0)
        {
            compact.Embed(document);
        }
    }

    private void Embed(PdfDocument document)
    {
        var tag = SubsetTag();
        var name = $"/{tag}+{StatementFonts.Family} Common";
        var program = NewObject(document);
        program.CreateStream(_face.Program(_glyphs, out var length));
        program.Elements["/Length1"] = new PdfInteger(length);
        program.Elements["/Filter"] = new PdfName("/FlateDecode");

        var descriptor = NewObject(document);
        descriptor.Elements["/Type"] = new PdfName("/FontDescriptor");
        descriptor.Elements["/FontName"] = new PdfName(name);
        descriptor.Elements["/Flags"] = new PdfInteger(32); // non-symbolic
        descriptor.Elements["/FontBBox"] = Numbers(document, _face.BoundingBox);
        descriptor.Elements["/ItalicAngle"] = new PdfInteger(0);
        descriptor.Elements["/Ascent"] = new PdfInteger(_face.Ascent);
        descriptor.Elements["/Descent"] = new PdfInteger(_face.Descent);
        descriptor.Elements["/CapHeight"] = new PdfInteger(_face.CapHeight);
        descriptor.Elements["/StemV"] = new PdfInteger(80);
        descriptor.Elements["/FontFile2"] = program.Reference;

        var widths = new int[_glyphs.Count];
        for (var i = 0; i < widths.Length; i++)
        {
            // Truncated, as PDFsharp writes them, so text selection matches its documents to the unit.
            widths[i] = _face.Advance(_glyphs[i]) * 1000 / _face.UnitsPerEm;
        }

        var cidFont = NewObject(document);
        cidFont.Elements["/Type"] = new PdfName("/Font");
        cidFont.Elements["/Subtype"] = new PdfName("/CIDFontType2");
        cidFont.Elements["/BaseFont"] = new PdfName(name);
        var system = new PdfDictionary(document);
        system.Elements["/Registry"] = new PdfString("Adobe");
        system.Elements["/Ordering"] = new PdfString("Identity");
        system.Elements["/Supplement"] = new PdfInteger(0);
        cidFont.Elements["/CIDSystemInfo"] = system;
        cidFont.Elements["/FontDescriptor"] = descriptor.Reference;
        cidFont.Elements["/CIDToGIDMap"] = new PdfName("/Identity");
        cidFont.Elements["/DW"] = new PdfInteger(DefaultWidth);
        cidFont.Elements["/W"] = Widths(document, widths);

        var toUnicode = NewObject(document);
        toUnicode.CreateStream(CompactFace.Deflate(Encoding.ASCII.GetBytes(UnicodeMap())));
        toUnicode.Elements["/Filter"] = new PdfName("/FlateDecode");

        var type0 = NewObject(document);
        type0.Elements["/Type"] = new PdfName("/Font");
        type0.Elements["/Subtype"] = new PdfName("/Type0");
        type0.Elements["/BaseFont"] = new PdfName(name);
        type0.Elements["/Encoding"] = new PdfName("/Identity-H");
        type0.Elements["/DescendantFonts"] = new PdfArray(document, cidFont.Reference!);
        type0.Elements["/ToUnicode"] = toUnicode.Reference;

        foreach (var page in _pages)
        {
            if (page.Resources.Elements.GetDictionary("/Font") is not { } fonts)
            {
                fonts = new PdfDictionary(document);
                page.Resources.Elements["/Font"] = fonts;
            }

            fonts.Elements[FontResource] = type0.Reference;
        }
    }

    private static PdfDictionary NewObject(PdfDocument document)
    {
        var dictionary = new PdfDictionary(document);
        document.Internals.AddObject(dictionary);
        return dictionary;
    }

    /// <summary>
    /// Widths of the glyphs that differ from <see cref="DefaultWidth"/> (Chinese characters are a full
    /// em), one <c>c [w]</c> entry each, so the array lists only the Latin letters, digits and punctuation.
    /// </summary>
    private static PdfArray Widths(PdfDocument document, int[] widths)
    {
        var array = new PdfArray(document);
        for (var i = 0; i < widths.Length; i++)
        {
            if (widths[i] != DefaultWidth)
            {
                array.Elements.Add(new PdfInteger(i + 1));
                array.Elements.Add(new PdfArray(document, new PdfInteger(widths[i])));
            }
        }

        return array;
    }

    private static PdfArray Numbers(PdfDocument document, IEnumerable<int> values) =>
        new(document, [.. values.Select(v => (PdfItem)new PdfInteger(v))]);

    /// <summary>Glyph number to character, so the text copies, searches and reads back (ISO 32000-1, 9.10.3).</summary>
    private string UnicodeMap()
    {
        var map = new StringBuilder(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            + "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
        for (var start = 0; start < _chars.Count; start += 100)
        {
            var count = Math.Min(100, _chars.Count - start);
            map.Append(count.ToString(CultureInfo.InvariantCulture)).Append(" beginbfchar\n");
            for (var i = start; i < start + count; i++)
            {
                map.Append('<').Append((i + 1).ToString("X4", CultureInfo.InvariantCulture)).Append("> <")
                    .Append(((int)_chars[i]).ToString("X4", CultureInfo.InvariantCulture)).Append(">\n");
            }

            map.Append("endbfchar\n");
        }

        return map.Append("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").ToString();
    }

    // Six capital letters naming the subset (ISO 32000-1, 9.6.4), from the glyphs it holds.
    private string SubsetTag()
    {
        var hash = 17u;
        foreach (var g in _glyphs)
        {
            hash = (hash * 31) + g;
        }

        var tag = new char[6];
        for (var i = 0; i < 6; i++)
        {
            tag[i] = (char)('A' + (hash % 26));
            hash /= 26;
        }

        return new string(tag);
    }

    private static bool IsBold(XFont font) => (font.Style & XFontStyleEx.Bold) != 0;

    private static bool IsCommonFace(XFont font) =>
        Eligible.GetValue(font, f =>
            (f.Style & (XFontStyleEx.Italic | XFontStyleEx.Underline | XFontStyleEx.Strikeout)) == 0
            && string.Equals(f.FontFamily.Name, StatementFonts.Family, StringComparison.OrdinalIgnoreCase) ? Yes : No) == Yes;
}
