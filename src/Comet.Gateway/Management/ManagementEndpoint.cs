using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Comet.Gateway.Management;

/// <summary>
/// Where the management port is bound, and whether a request came in on it. Requests are told apart
/// by the local port of their connection, never by the Host header (which a client chooses).
/// </summary>
public sealed class ManagementEndpoint
{
    internal ListenOptions? ListenOptions { get; set; }

    /// <summary>The bound address and port (after start; with port 0 the one picked), or null when disabled.</summary>
    public IPEndPoint? EndPoint => ListenOptions?.IPEndPoint;

    public bool IsManagementRequest(HttpContext context) =>
        EndPoint is { } endPoint && context.Connection.LocalPort == endPoint.Port;
}
