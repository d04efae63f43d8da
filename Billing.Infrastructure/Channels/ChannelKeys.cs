using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RedProperty.Billing.Infrastructure.Channels;

/// <summary>
/// Keys and certificates for the channels, read from files named in configuration (never kept in
/// the repository): PEM private keys, PEM public keys and PEM or DER certificates.
/// </summary>
public static class ChannelKeys
{
    public static RSA PrivateKey(string? path, string setting)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(Required(path, setting)));
        return rsa;
    }

    public static RSA PublicKey(string? path, string setting)
    {
        var text = File.ReadAllText(Required(path, setting));
        if (text.Contains("CERTIFICATE", StringComparison.Ordinal))
        {
            return X509Certificate2.CreateFromPem(text).GetRSAPublicKey() ?? throw new InvalidOperationException($"{setting}: the certificate holds no RSA key");
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(text);
        return rsa;
    }

    /// <summary>Certificates by serial number (upper-case hex, as the channels write it).</summary>
    public static IReadOnlyDictionary<string, RSA> CertificatesBySerial(string? paths, string setting)
    {
        var result = new Dictionary<string, RSA>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in Required(paths, setting).Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var certificate = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || File.ReadAllText(path).Contains("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(File.ReadAllText(path))
                : X509CertificateLoader.LoadCertificateFromFile(path);
            result[certificate.SerialNumber] = certificate.GetRSAPublicKey() ?? throw new InvalidOperationException($"{setting}: {path} holds no RSA key");
        }

        return result;
    }

    private static string Required(string? value, string setting) =>
        string.IsNullOrWhiteSpace(value) ? throw new InvalidOperationException($"Payment channel setting {setting} is not configured.") : value;
}
