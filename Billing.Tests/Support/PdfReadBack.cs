using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace RedProperty.Billing.Tests.Support;

/// <summary>What a reader gets back from a PDF, for assertions on its text.</summary>
public static class PdfReadBack
{
    /// <summary>
    /// The text of every page, white space left out: PDF text has no reliable notion of spaces,
    /// so assertions compare without them.
    /// </summary>
    public static string TextOf(byte[] pdf) => string.Concat(Letters(pdf).Select(l => l.Value));

    public static string TextOf(Page page) => string.Concat(Visible(page).Select(l => l.Value));

    /// <summary>The letters of every page, white space left out, with their fonts and positions.</summary>
    public static List<Letter> Letters(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return [.. document.GetPages().SelectMany(Visible)];
    }

    private static IEnumerable<Letter> Visible(Page page) => page.Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value));
}
