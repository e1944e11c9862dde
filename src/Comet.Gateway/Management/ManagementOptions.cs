using System.ComponentModel.DataAnnotations;

namespace Comet.Gateway.Management;

/// <summary>
/// The management port: Prometheus's <c>/metrics</c> and the status page, apart from the public
/// WebSocket port so that a load balancer never exposes them. Loopback by default: a scraper or a
/// person on another host needs <c>Comet:Management:Address</c> set (the chart and compose set 0.0.0.0).
/// </summary>
public sealed class ManagementOptions
{
    public const string SectionName = "Comet:Management";

    /// <summary>False: no management port, no /metrics, no status page.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The IP address to bind.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>The port; 0 picks a free one (tests).</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 8089;
}
