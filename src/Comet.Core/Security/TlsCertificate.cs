using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Comet.Core.Security;

/// <summary>
/// The server certificate of <see cref="TlsOptions"/>, loaded once. Start-up validation loads it, so a
/// missing file, a wrong password or a certificate without its key stops the gateway with a message
/// that names the setting (and never the password).
/// </summary>
public sealed class TlsCertificate : IDisposable
{
    private readonly Lazy<X509Certificate2?> _certificate;

    public TlsCertificate(IOptions<TlsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        _certificate = new Lazy<X509Certificate2?>(() => Load(value));
    }

    /// <summary>True when TLS is configured.</summary>
    public bool IsConfigured => Certificate is not null;

    /// <summary>The certificate with its private key, or null without TLS.</summary>
    public X509Certificate2? Certificate => _certificate.Value;

    /// <summary>Loads the configured certificate; throws <see cref="InvalidOperationException"/> with a clear message.</summary>
    public static X509Certificate2? Load(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return null;
        }
        var hasPem = !string.IsNullOrWhiteSpace(options.CertificateFile);
        var hasPfx = !string.IsNullOrWhiteSpace(options.PfxFile);
        if (hasPem && hasPfx)
        {
            throw new InvalidOperationException("Set either Comet:Tls:CertificateFile + KeyFile or Comet:Tls:PfxFile, not both.");
        }
        X509Certificate2 certificate;
        if (hasPfx)
        {
            RequireFile(options.PfxFile!, "Comet:Tls:PfxFile");
            try
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(options.PfxFile!, options.PfxPassword);
            }
            catch (CryptographicException e)
            {
                throw new InvalidOperationException(
                    $"Comet:Tls:PfxFile '{options.PfxFile}' could not be read (wrong Comet:Tls:PfxPassword or not a PKCS#12 file): {e.Message}", e);
            }
        }
        else
        {
            RequireFile(options.CertificateFile!, "Comet:Tls:CertificateFile");
            if (string.IsNullOrWhiteSpace(options.KeyFile))
            {
                throw new InvalidOperationException("Comet:Tls:CertificateFile is set but Comet:Tls:KeyFile (its PEM private key) is not.");
            }
            RequireFile(options.KeyFile, "Comet:Tls:KeyFile");
            try
            {
                using var pem = string.IsNullOrEmpty(options.KeyPassword)
                    ? X509Certificate2.CreateFromPemFile(options.CertificateFile!, options.KeyFile)
                    : X509Certificate2.CreateFromEncryptedPemFile(options.CertificateFile!, options.KeyPassword, options.KeyFile);
                // Re-import through PKCS#12 so the key is usable by SslStream on every platform.
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
            catch (Exception e) when (e is CryptographicException or ArgumentException)
            {
                throw new InvalidOperationException(
                    $"Comet:Tls:CertificateFile '{options.CertificateFile}' with Comet:Tls:KeyFile '{options.KeyFile}' could not be loaded "
                    + $"(not PEM, the key does not match, or a wrong Comet:Tls:KeyPassword): {e.Message}", e);
            }
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException("The Comet:Tls certificate has no private key.");
        }
        return certificate;
    }

    public void Dispose()
    {
        if (_certificate.IsValueCreated)
        {
            _certificate.Value?.Dispose();
        }
    }

    private static void RequireFile(string path, string key)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{key}: the file '{path}' does not exist.");
        }
    }
}
