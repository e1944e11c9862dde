using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Comet.Gateway;

/// <summary>Where the CometQL port is bound; with port 0 the real port is known once the server started.</summary>
public sealed class CometQLEndpoint
{
    internal ListenOptions? ListenOptions { get; set; }

    /// <summary>The bound address and port (after start).</summary>
    public IPEndPoint? EndPoint => ListenOptions?.IPEndPoint;
}
