using System.ComponentModel.DataAnnotations;

namespace Comet.Core.ProxyProtocol;

/// <summary>
/// The <c>Comet:ProxyProtocol</c> section: the load balancers whose PROXY protocol headers (v1 or v2)
/// name the real client of a connection. Off while <see cref="TrustedProxies"/> is empty.
/// </summary>
public sealed class ProxyProtocolOptions
{
    public const string SectionName = "Comet:ProxyProtocol";

    /// <summary>Addresses (<c>10.0.0.5</c>) or ranges (<c>10.0.0.0/24</c>, <c>fd00::/8</c>) of the
    /// proxies. A connection from one of them must start with a PROXY header; a header from any other
    /// address is refused.</summary>
    public List<string> TrustedProxies { get; } = [];

    /// <summary>The ports that expect headers from the trusted proxies.</summary>
    public ProxyProtocolPorts Ports { get; set; } = ProxyProtocolPorts.CometQL | ProxyProtocolPorts.Http;

    /// <summary>How long a trusted proxy may take to send the header after connecting (proxies send it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>The listeners a PROXY header is expected on (<c>CometQL</c>, <c>Http</c>, or <c>CometQL, Http</c>).</summary>
[Flags]
public enum ProxyProtocolPorts
{
    None = 0,

    /// <summary>The CometQL (MySQL protocol) port.</summary>
    CometQL = 1,

    /// <summary>The HTTP/WebSocket ports (every <c>urls</c> entry).</summary>
    Http = 2,
}
