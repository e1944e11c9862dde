using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Core.Memory;

/// <summary>
/// The embedded engine: all state in this process, delivery by direct calls into the node.
/// Every operation completes synchronously. Expired entries are dropped when read and by a periodic sweep.
/// </summary>
public sealed partial class MemoryEngine : ICometEngine, IDisposable
{
    /// <summary>How often expired log entries, queued messages and revocations are swept.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);

    private readonly MemoryState _state;
    private readonly TimeProvider _time;
    private readonly ILogger<MemoryEngine> _logger;
    private ITimer? _sweepTimer;
    private volatile bool _stopped;

    public MemoryEngine(IOptions<LimitsOptions> limits, TimeProvider time, CometMetrics metrics, ILogger<MemoryEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _time = time;
        _logger = logger;
        _state = new MemoryState(limits.Value, time, metrics);
        var bus = new MemoryMessageBus(_state);
        Users = new MemoryUserStore(_state);
        Pipes = new MemoryPipeStore(_state);
        Bus = bus;
        Presence = new MemoryPresence(_state, bus);
    }

    public string Name => "memory";

    public IUserStore Users { get; }

    public IPipeStore Pipes { get; }

    public IMessageBus Bus { get; }

    public IPresence Presence { get; }

    public bool IsReady => _state.IsStarted && !_stopped;

    /// <summary>The engine's state, for tests that check memory is given back.</summary>
    internal MemoryState State => _state;

    public Task StartAsync(ILocalNode node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        _state.Bind(node);
        _stopped = false;
        _sweepTimer ??= _time.CreateTimer(static engine => ((MemoryEngine)engine!).Sweep(), this, SweepInterval, SweepInterval);
        LogStarted(_logger, _state.Limits.OfflineQueueLength, _state.Limits.MaxConnectionsPerUser);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        _sweepTimer?.Dispose();
        _sweepTimer = null;
        return Task.CompletedTask;
    }

    public void Dispose() => _sweepTimer?.Dispose();

    private void Sweep()
    {
        try
        {
            _state.Sweep();
        }
#pragma warning disable CA1031 // A failed sweep must not kill the timer thread; the next one retries.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogSweepFailed(_logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory engine started (offline queue {OfflineQueueLength}, connections per user {MaxConnectionsPerUser})")]
    private static partial void LogStarted(ILogger logger, int offlineQueueLength, int maxConnectionsPerUser);

    [LoggerMessage(Level = LogLevel.Error, Message = "Memory engine sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
