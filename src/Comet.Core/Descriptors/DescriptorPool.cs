namespace Comet.Core.Descriptors;

/// <summary>
/// The file descriptors a node's client connections share: the open-file limit less
/// <see cref="ProcessDescriptors"/>. Every admitted WebSocket and CometQL connection holds one until it
/// ends, so either protocol can use what the other leaves (a fixed reserve for CometQL's maximum kept
/// descriptors idle that backends never opened). Past the limit <c>accept</c> fails, the client waits in
/// the listen backlog and the server spins on the failing accept; refusing while a descriptor is still
/// free lets the protocol answer "full" on the connection it accepted (that descriptor comes out of the
/// process's share and is given back at once).
/// </summary>
public sealed class DescriptorPool
{
    /// <summary>
    /// Descriptors the gateway keeps for itself. Measured with <c>/proc/PID/fd</c> (docs/benchmarks.md, issue 14):
    /// 232 at start on the memory engine and 244 on Redis, 256 and 266 once every path ran (the runtime holds two
    /// per loaded assembly, 103 at start and up to 118 later; then stdout/stderr, pipes, epoll, the config
    /// watcher, listeners, Redis connections), and a connection ramp peaked 268 above the connections held. The
    /// rest is room for connections being refused, plain HTTP requests (health checks, /metrics), Redis Sentinel
    /// or Cluster connections, OTLP exports and log files: past the limit every one of those fails too.
    /// </summary>
    public const int ProcessDescriptors = 400;

    private long _taken;

    /// <param name="openFileLimit">The process's open-file limit (<see cref="DescriptorLimit.SoftLimit"/>);
    /// null where it is unknown or unlimited: then the pool never refuses.</param>
    public DescriptorPool(long? openFileLimit)
    {
        OpenFileLimit = openFileLimit;
        Size = openFileLimit is { } limit ? (int)Math.Clamp(limit - ProcessDescriptors, 0, int.MaxValue) : null;
    }

    /// <summary>The open-file limit the pool was sized from, or null where it is unknown.</summary>
    public long? OpenFileLimit { get; }

    /// <summary>Descriptors connections may hold at once, or null (unbounded) where the limit is unknown.</summary>
    public int? Size { get; }

    /// <summary>Descriptors held by admitted connections now.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>Takes a descriptor for a new connection; call <see cref="Return"/> when it ends.</summary>
    /// <returns>False when the pool is empty: refuse the connection.</returns>
    public bool TryTake()
    {
        // Take first and give back when over: one atomic operation on the common path. Two connections racing
        // for the last descriptor may both be refused for a moment, never both admitted.
        if (Interlocked.Increment(ref _taken) <= (Size ?? long.MaxValue))
        {
            return true;
        }
        Interlocked.Decrement(ref _taken);
        return false;
    }

    /// <summary>Gives back the descriptor of a connection that ended.</summary>
    public void Return() => Interlocked.Decrement(ref _taken);
}
