using RedProperty.Billing.Infrastructure.Statements;
using UglyToad.PdfPig.Content;

namespace RedProperty.Billing.Tests.Support;

/// <summary>
/// Names with characters the statement font lacks, and the check that a PDF shows them: read back
/// with PdfPig, the text is exactly the name, and each rare character is a letter of the fallback face.
/// </summary>
public static class RareNames
{
    /// <summary>
    /// 䶮 U+4DAE and 㛃 U+36C3 are in CJK Extension A, 𠮷 U+20BB7 and 𡒄 U+21484 in Extension B
    /// (surrogate pairs in C#); 王 and 堃 are in the main font.
    /// </summary>
    public const string Owner = "王䶮㛃𠮷𡒄堃";

    public static readonly string[] Rare = ["䶮", "㛃", "𠮷", "𡒄"];

    public const string FallbackFace = "^[A-Z]{6}\\+HanaMin Fallback";

    public const string MainFace = "^[A-Z]{6}\\+WenQuanYi";

    /// <summary>
    /// Asserts that <paramref name="expected"/> reads back exactly (so 𠮷 is not taken for U+20BB,
    /// which it would be without the ToUnicode repair), every character the main font lacks is
    /// drawn in the fallback face and every other character in the main face.
    /// </summary>
    public static List<Letter> AssertDrawnWithFallback(byte[] pdf, string expected)
    {
        var letters = PdfReadBack.Letters(pdf);
        var text = string.Concat(letters.Select(l => l.Value));
        var at = text.IndexOf(expected, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{expected}' is not in the PDF's text: {text}");

        var shown = new List<Letter>();
        var offset = 0;
        foreach (var letter in letters)
        {
            if (offset >= at && offset < at + expected.Length)
            {
                shown.Add(letter);
            }

            offset += letter.Value.Length;
        }

        foreach (var letter in shown)
        {
            var inMain = StatementFonts.MainCoverage.Has(char.ConvertToUtf32(letter.Value, 0));
            Assert.Matches(inMain ? MainFace : FallbackFace, letter.FontName);
        }

        Assert.All(Rare.Where(expected.Contains), rare => Assert.Contains(shown, l => l.Value == rare));
        return shown;
    }
}
