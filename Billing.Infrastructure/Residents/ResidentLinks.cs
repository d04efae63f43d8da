using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using NodaTime;

namespace RedProperty.Billing.Infrastructure.Residents;

/// <summary>What a resident link names: the household, the statement it was printed on, and when it stops working.</summary>
public sealed record ResidentLink(string HouseholdCode, string? StatementNo, Instant Expires);

/// <summary>
/// Signed, expiring links to a household's page (/r/{token}), as printed in the statement's QR
/// code. The token is the household, statement and expiry, with an HMAC-SHA256 over them under a
/// key from configuration (Residents:LinkKey), so nobody can make a link to another household.
/// Opening the link still asks for a check before money or personal data is shown.
/// </summary>
public sealed class ResidentLinks
{
    public const string ConfigurationKey = "Residents:LinkKey";
    private readonly byte[] _key;
    private readonly IClock _clock;

    public ResidentLinks(string key, IClock clock)
    {
        if (string.IsNullOrEmpty(key) || Encoding.UTF8.GetByteCount(key) < 32)
        {
            throw new InvalidOperationException($"{ConfigurationKey} must be at least 32 bytes.");
        }

        (_key, _clock) = (Encoding.UTF8.GetBytes(key), clock);
    }

    public static ResidentLinks FromConfiguration(IConfiguration configuration, IClock clock) =>
        new(configuration[ConfigurationKey] ?? throw new InvalidOperationException($"{ConfigurationKey} is not configured: set it (or the environment variable Residents__LinkKey) to a secret of at least 32 bytes."), clock);

    /// <summary>The path of the household's page for a statement, working until <paramref name="expires"/>.</summary>
    public string PathFor(string householdCode, string? statementNo, Instant expires) => "/r/" + Token(householdCode, statementNo, expires);

    public string Token(string householdCode, string? statementNo, Instant expires)
    {
        var payload = Encoding.UTF8.GetBytes($"{householdCode}|{statementNo}|{expires.ToUnixTimeSeconds()}");
        return WebEncoders.Base64UrlEncode(payload) + "." + WebEncoders.Base64UrlEncode(Mac(payload));
    }

    /// <summary>The link a token names, or null when it is forged, damaged or expired.</summary>
    public ResidentLink? Read(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 512)
        {
            return null;
        }

        byte[] payload, mac;
        try
        {
            (payload, mac) = (WebEncoders.Base64UrlDecode(token[..dot]), WebEncoders.Base64UrlDecode(token[(dot + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(mac, Mac(payload)))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('|');
        if (parts.Length != 3 || !long.TryParse(parts[2], out var seconds))
        {
            return null;
        }

        var expires = Instant.FromUnixTimeSeconds(seconds);
        return expires <= _clock.GetCurrentInstant() ? null : new ResidentLink(parts[0], parts[1].Length == 0 ? null : parts[1], expires);
    }

    private byte[] Mac(byte[] payload) => HMACSHA256.HashData(_key, payload);
}
