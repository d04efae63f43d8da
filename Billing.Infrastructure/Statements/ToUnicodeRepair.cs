using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;

namespace RedProperty.Billing.Infrastructure.Statements;

/// <summary>
/// PDFsharp 6.5 draws a character outside the Basic Multilingual Plane (𠮷 U+20BB7) with the
/// right glyph, but writes its ToUnicode entry as five hex digits (&lt;20BB7&gt;), which readers
/// take as U+20BB: the name would print correctly and copy, search and read back wrongly. The
/// PDF standard wants UTF-16BE there, so such entries are rewritten as surrogate pairs
/// (&lt;D842DFB7&gt;) in the saved document.
/// </summary>
internal static partial class ToUnicodeRepair
{
    // Documents that drew such a character; only they pay for the second pass.
    private static readonly ConditionalWeakTable<PdfDocument, object> Needing = [];

    public static void Mark(PdfDocument document) => Needing.TryAdd(document, new object());

    public static bool IsNeeded(PdfDocument document) => Needing.TryGetValue(document, out _);

    public static byte[] Repair(byte[] pdf)
    {
        using var input = new MemoryStream(pdf);
        using var document = PdfReader.Open(input, PdfDocumentOpenMode.Modify);
        var changed = false;
        foreach (var dictionary in document.Internals.GetAllObjects().OfType<PdfDictionary>())
        {
            if (dictionary.Elements.GetDictionary("/ToUnicode") is not { Stream: { } stream } cmap)
            {
                continue;
            }

            var text = Encoding.ASCII.GetString(stream.UnfilteredValue);
            var fixedText = WideCode().Replace(text, m => $"<{Utf16(Convert.ToInt32(m.Groups[1].Value, 16))}>");
            if (fixedText != text)
            {
                cmap.Elements.Remove("/Filter");
                cmap.Elements.Remove("/DecodeParms");
                stream.Value = Encoding.ASCII.GetBytes(fixedText);
                changed = true;
            }
        }

        return changed ? PdfText.Save(document, repair: false) : pdf;
    }

    private static string Utf16(int codePoint) =>
        Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(char.ConvertFromUtf32(codePoint)));

    // A destination code of five or six hex digits; source codes and BMP characters have four.
    [GeneratedRegex("<(1[0-9A-F]{4}|10[0-9A-F]{4}|[2-9A-F][0-9A-F]{4})>")]
    private static partial Regex WideCode();
}
