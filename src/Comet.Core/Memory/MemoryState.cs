using System.Collections.Concurrent;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Names;
using Comet.Core.Options;

namespace Comet.Core.Memory;

/// <summary>What the memory engine's parts share: the namespaces, the clock, the limits and the bound node.</summary>
internal sealed class MemoryState(LimitsOptions limits, TimeProvider time, CometMetrics metrics)
{
    private readonly ConcurrentDictionary<int, MemoryNamespace> _namespaces = new();
    private ILocalNode? _node;

    public LimitsOptions Limits { get; } = limits;

    public CometMetrics Metrics { get; } = metrics;

    public DateTimeOffset Now => time.GetUtcNow();

    public bool IsStarted => Volatile.Read(ref _node) is not null;

    /// <summary>The node whose clients get every message; throws until the engine is started.</summary>
    public ILocalNode Node => Volatile.Read(ref _node) ?? throw NotStarted();

    public void Bind(ILocalNode node) => Volatile.Write(ref _node, node);

    /// <summary>The state of <paramref name="devId"/>; throws until the engine is started.</summary>
    public MemoryNamespace Namespace(int devId)
    {
        if (!IsStarted)
        {
            throw NotStarted();
        }
        if (devId is < 0 or >= DevIds.Limit)
        {
            throw new ArgumentOutOfRangeException(nameof(devId), devId, $"A dev_id must be in 0..{DevIds.Limit - 1}.");
        }
        return _namespaces.GetOrAdd(devId, static id => new MemoryNamespace(id));
    }

    /// <summary>The namespaces that hold state now, for tests that check memory is given back.</summary>
    public ICollection<MemoryNamespace> Namespaces => _namespaces.Values;

    public void Sweep()
    {
        var nowTicks = Now.UtcTicks;
        foreach (var space in _namespaces.Values)
        {
            space.Sweep(nowTicks, Limits);
        }
    }

    /// <summary>How many entries a pipe keeps: every trust_ message (bounded), else its settings length.</summary>
    public int LogCapacity(MemoryPipe pipe) =>
        PipeNames.IsAlwaysLogged(pipe.Name) ? Limits.MaxPipeLogLength : pipe.LogLength ?? 0;

    /// <summary>Rejects names no transport would pass on (they would only waste memory).</summary>
    public static void ValidatePipe(string pipe)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipe);
        if (pipe.Length > PipeNames.MaxLength)
        {
            throw new ArgumentException($"A pipe name is at most {PipeNames.MaxLength} characters.", nameof(pipe));
        }
    }

    public static void ValidateUserId(long userId)
    {
        if (userId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(userId), userId, "A user id must not be negative.");
        }
    }

    /// <summary>The UTC ticks <paramref name="ttl"/> from <paramref name="nowTicks"/>, saturating.</summary>
    public static long Expiry(long nowTicks, TimeSpan ttl) =>
        ttl.Ticks >= long.MaxValue - nowTicks ? long.MaxValue : nowTicks + ttl.Ticks;

    private static InvalidOperationException NotStarted() =>
        new("The memory engine is not started: call ICometEngine.StartAsync with the node first.");
}
