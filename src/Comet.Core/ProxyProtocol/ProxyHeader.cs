using System.Net;

namespace Comet.Core.ProxyProtocol;

/// <summary>
/// What a PROXY protocol header said: the client's and the proxy's listening endpoints, or nothing
/// (<see cref="Source"/> null) when the connection is the proxy's own (v2 LOCAL, e.g. a health check;
/// v1 UNKNOWN; a family without IP addresses), which keeps the connection's real endpoints.
/// </summary>
public readonly record struct ProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination)
{
    /// <summary>True when the header names the original client.</summary>
    public bool HasAddresses => Source is not null;
}
