namespace Comet.Core.Security;

/// <summary>
/// The <c>Comet:Tls</c> section: the server certificate for <c>https://</c> (wss) URLs and for
/// CometQL's SSL upgrade. Either a PEM pair (<see cref="CertificateFile"/> + <see cref="KeyFile"/>)
/// or a PKCS#12 file (<see cref="PfxFile"/> + <see cref="PfxPassword"/>); nothing set means no TLS.
/// </summary>
public sealed class TlsOptions
{
    public const string SectionName = "Comet:Tls";

    /// <summary>A PEM certificate (chain) file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/> (unencrypted, or encrypted with <see cref="KeyPassword"/>).</summary>
    public string? KeyFile { get; set; }

    /// <summary>The password of an encrypted PEM key. Secret: from the environment, never logged.</summary>
    public string? KeyPassword { get; set; }

    /// <summary>A PKCS#12 (.pfx/.p12) file with the certificate and its key.</summary>
    public string? PfxFile { get; set; }

    /// <summary>The password of <see cref="PfxFile"/>. Secret: from the environment, never logged.</summary>
    public string? PfxPassword { get; set; }

    /// <summary>True when a certificate is configured (whether it loads is checked at start).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificateFile) || !string.IsNullOrWhiteSpace(PfxFile);
}
