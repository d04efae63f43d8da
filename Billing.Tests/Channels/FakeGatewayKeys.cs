using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RedProperty.Billing.Tests.Channels;

/// <summary>
/// Keys and certificates made by the test, as a merchant would get them from WeChat Pay and
/// Alipay: our merchant / app private keys, the channels' platform keys (WeChat's as a self-signed
/// certificate with a serial number), and the APIv3 key. They are written as PEM files to a
/// temporary folder and handed to the app through configuration, as in production.
/// </summary>
public sealed class FakeGatewayKeys : IDisposable
{
    public const string MchId = "1900000109";
    public const string AppId = "wx8888888888888888";
    public const string AppSecret = "fake-official-account-secret-0001";
    public const string AlipayAppId = "2021000000000001";
    public const string AlipaySellerId = "2088000000000001";

    public FakeGatewayKeys()
    {
        Folder = Directory.CreateTempSubdirectory("billing-channel-keys-").FullName;
        MerchantSerialNo = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        ApiV3Key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)); // 32 characters
        PlatformCertificate = SelfSigned(PlatformKey, "CN=Tenpay.com Root CA fake platform");
        OtherCertificate = SelfSigned(OtherPlatformKey, "CN=another platform certificate");
        File.WriteAllText(MerchantKeyPath, MerchantKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(PlatformCertificatePath, PlatformCertificate.ExportCertificatePem());
        File.WriteAllText(AlipayAppKeyPath, AlipayAppKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(AlipayPublicKeyPath, AlipayPlatformKey.ExportSubjectPublicKeyInfoPem());
    }

    public string Folder { get; }

    public RSA MerchantKey { get; } = RSA.Create(2048);

    public RSA PlatformKey { get; } = RSA.Create(2048);

    /// <summary>A key WeChat Pay never issued: signatures made with it must be refused.</summary>
    public RSA OtherPlatformKey { get; } = RSA.Create(2048);

    public X509Certificate2 PlatformCertificate { get; }

    public X509Certificate2 OtherCertificate { get; }

    public string PlatformSerial => PlatformCertificate.SerialNumber;

    public string MerchantSerialNo { get; }

    public string ApiV3Key { get; }

    public RSA AlipayAppKey { get; } = RSA.Create(2048);

    public RSA AlipayPlatformKey { get; } = RSA.Create(2048);

    public string MerchantKeyPath => Path.Combine(Folder, "apiclient_key.pem");

    public string PlatformCertificatePath => Path.Combine(Folder, "wechatpay_platform.pem");

    public string AlipayAppKeyPath => Path.Combine(Folder, "alipay_app_private_key.pem");

    public string AlipayPublicKeyPath => Path.Combine(Folder, "alipay_public_key.pem");

    /// <summary>The settings the app reads, pointing at a gateway at <paramref name="gateway"/>.</summary>
    public IReadOnlyDictionary<string, string> Settings(Uri gateway) => new Dictionary<string, string>
    {
        ["PaymentChannels:WeChatPay:MchId"] = MchId,
        ["PaymentChannels:WeChatPay:AppId"] = AppId,
        ["PaymentChannels:WeChatPay:MerchantSerialNo"] = MerchantSerialNo,
        ["PaymentChannels:WeChatPay:MerchantPrivateKeyPath"] = MerchantKeyPath,
        ["PaymentChannels:WeChatPay:ApiV3Key"] = ApiV3Key,
        ["PaymentChannels:WeChatPay:PlatformCertificatePaths"] = PlatformCertificatePath,
        ["PaymentChannels:WeChatPay:BaseUrl"] = gateway.ToString().TrimEnd('/'),
        ["PaymentChannels:WeChatPay:AppSecret"] = AppSecret,
        ["PaymentChannels:WeChatPay:OAuthAuthorizeUrl"] = new Uri(gateway, "connect/oauth2/authorize").ToString(),
        ["PaymentChannels:WeChatPay:OAuthApiBaseUrl"] = gateway.ToString().TrimEnd('/'),
        ["PaymentChannels:Alipay:AppId"] = AlipayAppId,
        ["PaymentChannels:Alipay:SellerId"] = AlipaySellerId,
        ["PaymentChannels:Alipay:PrivateKeyPath"] = AlipayAppKeyPath,
        ["PaymentChannels:Alipay:AlipayPublicKeyPath"] = AlipayPublicKeyPath,
        ["PaymentChannels:Alipay:GatewayUrl"] = new Uri(gateway, "gateway.do").ToString(),
    };

    private static X509Certificate2 SelfSigned(RSA key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(20);
        serial[0] &= 0x7F; // a positive serial, as X.509 wants
        return request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5), serial);
    }

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        foreach (var key in new[] { MerchantKey, PlatformKey, OtherPlatformKey, AlipayAppKey, AlipayPlatformKey })
        {
            key.Dispose();
        }
    }
}
