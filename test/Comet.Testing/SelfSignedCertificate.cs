using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Comet.Testing;

/// <summary>
/// A self-signed server certificate for 127.0.0.1/localhost, made by the test and written to a temp
/// folder as PEM (cert + key) and PKCS#12 (with <see cref="PfxPassword"/>). Deleted on dispose.
/// </summary>
public sealed class SelfSignedCertificate : IDisposable
{
    public const string PfxPassword = "test-pfx-password";

    private SelfSignedCertificate(string directory, string thumbprint)
    {
        Directory = directory;
        Thumbprint = thumbprint;
    }

    /// <summary>The SHA-1 thumbprint clients pin instead of trusting a CA.</summary>
    public string Thumbprint { get; }

    /// <summary>A client-side check that accepts exactly this certificate.</summary>
    public bool IsThisCertificate(X509Certificate? presented) =>
        presented is not null && string.Equals(presented.GetCertHashString(), Thumbprint, StringComparison.OrdinalIgnoreCase);

    public string Directory { get; }
    public string CertificateFile => Path.Combine(Directory, "server.crt");
    public string KeyFile => Path.Combine(Directory, "server.key");
    public string PfxFile => Path.Combine(Directory, "server.pfx");

    /// <summary>Configuration keys for a PEM certificate.</summary>
    public Dictionary<string, string> PemSettings => new()
    {
        ["Comet:Tls:CertificateFile"] = CertificateFile,
        ["Comet:Tls:KeyFile"] = KeyFile,
    };

    /// <summary>Configuration keys for the PKCS#12 file.</summary>
    public Dictionary<string, string> PfxSettings => new()
    {
        ["Comet:Tls:PfxFile"] = PfxFile,
        ["Comet:Tls:PfxPassword"] = PfxPassword,
    };

    public static SelfSignedCertificate Create()
    {
        var directory = Path.Combine(Path.GetTempPath(), "comet-tls-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        var result = new SelfSignedCertificate(directory, certificate.Thumbprint);
        File.WriteAllText(result.CertificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(result.KeyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(result.PfxFile, certificate.Export(X509ContentType.Pkcs12, PfxPassword));
        return result;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
