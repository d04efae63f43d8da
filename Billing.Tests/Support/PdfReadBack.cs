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
    public static string TextOf(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Concat(document.GetPages().Select(TextOf));
    }

    public static string TextOf(Page page) => string.Concat(page.Letters.Select(l => l.Value).Where(v => !string.IsNullOrWhiteSpace(v)));
}
