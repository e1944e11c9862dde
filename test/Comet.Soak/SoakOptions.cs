namespace Comet.Soak;

/// <summary>What one soak run does, and how much growth it tolerates.</summary>
public sealed record SoakOptions
{
    /// <summary>How long traffic flows between the loaded samples (the warm-up comes on top).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>WebSocket connections open at once (each one churns: connect, stay, leave, again).</summary>
    public int Connections { get; init; } = 2000;

    /// <summary>"redis" (two gateways on one redis-server) or "memory" (one gateway).</summary>
    public string Engine { get; init; } = "redis";

    /// <summary>How long a connection stays before it leaves and reconnects (chosen at random in between).</summary>
    public TimeSpan MinStay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxStay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Time to open the connections and let the process settle before the first loaded sample.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Personal messages the backend sends per second in all (to the tracked users).</summary>
    public int PersonalPerSecond { get; init; } = 100;

    /// <summary>Broadcasts the backend sends per second in all (to the web_soak pipes).</summary>
    public int BroadcastsPerSecond { get; init; } = 20;

    /// <summary>Loaded end against loaded start: RSS may grow by this fraction plus <see cref="RssSlackBytes"/>.</summary>
    public double RssGrowth { get; init; } = 0.25;

    public long RssSlackBytes { get; init; } = 64L << 20;

    /// <summary>GC heap after a full collection may grow by this fraction plus <see cref="HeapSlackBytes"/>.</summary>
    public double HeapGrowth { get; init; } = 0.25;

    public long HeapSlackBytes { get; init; } = 16L << 20;

    /// <summary>Threads may grow by this many (the thread pool adapts to load).</summary>
    public int ThreadSlack { get; init; } = 24;

    /// <summary>Idle after against idle before: open files may differ by this many (no leaked sockets).</summary>
    public int IdleFileSlack { get; init; } = 16;

    /// <summary>Loaded end against loaded start: open files may grow by this fraction of the connections plus 32.</summary>
    public double LoadedFileGrowth { get; init; } = 0.10;

    /// <summary>Users who get numbered personal messages and check every one (one connection each at a time).</summary>
    public int TrackedUsers => Math.Clamp(Connections / 10, 4, 200);
}
