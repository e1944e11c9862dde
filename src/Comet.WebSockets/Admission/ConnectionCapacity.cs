namespace Comet.WebSockets.Admission;

/// <summary>
/// How many WebSocket connections a node admits at most. Each also takes a descriptor from the node's
/// <see cref="Comet.Core.Descriptors.DescriptorPool"/>, which CometQL connections share: so when
/// <c>Comet:WebSocket:MaxConnections</c> is not set the maximum is the whole pool, and WebSockets get what
/// the CometQL connections open at the moment leave (a backend that opens none costs WebSockets nothing).
/// A configured value wins, with a warning when it is larger than the pool (past the pool upgrades get 503).
/// </summary>
/// <param name="MaxConnections">WebSocket connections admitted at once at most.</param>
/// <param name="PoolSize">The descriptors connections share, or null where the open-file limit is unknown.</param>
/// <param name="Source">Where <paramref name="MaxConnections"/> came from, for the start log.</param>
internal sealed record ConnectionCapacity(int MaxConnections, int? PoolSize, string Source)
{
    /// <summary>Used when nothing is configured and the descriptor limit is unknown (not Linux) or unlimited.</summary>
    public const int FallbackMaxConnections = 50_000;

    /// <summary>True when a configured value exceeds the descriptors connections share.</summary>
    public bool ExceedsDescriptors => PoolSize is { } size && MaxConnections > size;

    public static ConnectionCapacity Resolve(int? configured, int? poolSize) => (configured, poolSize) switch
    {
        ({ } value, _) => new ConnectionCapacity(value, poolSize, "configured"),
        (null, { } size) => new ConnectionCapacity(size, size, "open-file limit"),
        _ => new ConnectionCapacity(FallbackMaxConnections, null, "default"),
    };
}
