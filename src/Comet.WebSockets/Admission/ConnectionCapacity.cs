namespace Comet.WebSockets.Admission;

/// <summary>
/// How many WebSocket connections a node admits. Each takes a file descriptor, and past the process's
/// open-file limit <c>accept</c> fails: the connections wait in the listen backlog, time out, and the
/// gateway spins on the failing accept. So when <c>Comet:WebSocket:MaxConnections</c> is not set, the
/// limit is what the descriptors allow: the RLIMIT_NOFILE soft limit minus
/// <see cref="ProcessDescriptors"/> and the CometQL connections the node accepts
/// (<c>Comet:CometQL:MaxConnections</c>), but at least half of what the process leaves (a CometQL maximum
/// that large is rarely reached: <see cref="CometQLSqueezed"/>). A configured value wins, with a warning
/// when it is larger.
/// </summary>
internal sealed record ConnectionCapacity(int MaxConnections, long? DescriptorLimit, int DescriptorAllows, string Source, bool CometQLSqueezed)
{
    /// <summary>Used when nothing is configured and the descriptor limit is unknown (not Linux) or unlimited.</summary>
    public const int FallbackMaxConnections = 50_000;

    /// <summary>
    /// Descriptors the gateway keeps for itself: ~220 measured at start (the runtime holds two per loaded
    /// assembly, ~97 assemblies; epoll, pipes, stdout/stderr, the config watcher, listening sockets),
    /// plus room for assemblies loaded later, Redis and OTLP connections and log files.
    /// </summary>
    public const int ProcessDescriptors = 320;

    /// <summary>The configuration key of the CometQL connections the reserve keeps descriptors for.</summary>
    public const string CometQLMaxConnectionsKey = "Comet:CometQL:MaxConnections";

    /// <summary>The default of <c>Comet:CometQL:MaxConnections</c> (CometQLOptions; a test checks they agree).</summary>
    public const int CometQLMaxConnectionsDefault = 1_000;

    /// <summary>True when a configured value exceeds what the descriptor limit allows.</summary>
    public bool ExceedsDescriptors => DescriptorLimit is not null && MaxConnections > DescriptorAllows;

    public static ConnectionCapacity Resolve(int? configured, int cometQLMaxConnections, long? descriptorLimit)
    {
        var allows = FallbackMaxConnections;
        var squeezed = false;
        if (descriptorLimit is { } limit)
        {
            var left = limit - ProcessDescriptors;
            var afterCometQL = left - cometQLMaxConnections;
            squeezed = afterCometQL < left / 2;
            allows = (int)Math.Clamp(squeezed ? left / 2 : afterCometQL, 1, int.MaxValue);
        }
        if (configured is { } value)
        {
            return new ConnectionCapacity(value, descriptorLimit, allows, "configured", squeezed);
        }
        return descriptorLimit is null
            ? new ConnectionCapacity(FallbackMaxConnections, null, allows, "default", false)
            : new ConnectionCapacity(allows, descriptorLimit, allows, "open-file limit", squeezed);
    }
}
