using RedProperty.Billing.Infrastructure;

namespace RedProperty.Billing.Tests.Support;

/// <summary>Documents the tests draw, kept under out/documents (git-ignored) for people to look at.</summary>
public static class Keep
{
    public static byte[] Document(string name, byte[] pdf)
    {
        var dir = Path.Combine(RepositoryPaths.Root, "out", "documents");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, name), pdf);
        return pdf;
    }
}
