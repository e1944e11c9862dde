using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// Following a Sentinel set's master. The library's own Sentinel support keeps writing to a former
/// master that still says "master" (one that hung and woke up, or one a manual failover demoted before
/// Sentinel told it, up to 10 s later), and what such a server takes is lost when it resyncs. So the
/// client pins its link to the one master the sentinels name, and when they name another (their
/// <c>+switch-master</c>, or any heartbeat that finds a different answer) it makes a new link pinned to
/// it, listens there to every channel, swaps, and closes the old one.
/// </summary>
internal sealed partial class RedisClient
{
    /// <summary>How long a failover the sentinels started may take before the client stops waiting for
    /// it (they aborted it): durable writes are refused meanwhile.</summary>
    private static readonly TimeSpan FailoverPatience = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _switching = new(1, 1);

    // The multiplexer whose master the sentinels started to replace, and when; null when none is.
    private volatile ConnectionMultiplexer? _beingReplaced;
    private long _failoverStartedMs;

    /// <summary>
    /// A durable write is confirmed once its master's replicas have it (<see cref="ReplicaBarrier"/>), and
    /// only if that master is still the one the client follows and no failover of it has started: from the moment the sentinels promote a replica, the old master
    /// goes on taking writes (its other replicas even confirm them) until it is told to resync, and then
    /// throws them away. The sentinels announce the failover before they promote anyone (a tick of
    /// 100 ms or more before), so a write confirmed before the announcement arrives here was already on
    /// the replica being promoted; the race left is that tick against a loopback message.
    /// </summary>
    private async Task ConfirmReplicatedAsync(IConnectionMultiplexer written, string key, Direct.DirectConnection? direct = null)
    {
        await _replicas.WaitAsync(written, key, direct).ConfigureAwait(false);
        if (written != _link.Multiplexer || written == _beingReplaced)
        {
            throw new NotReplicatedException("The master is being replaced (a Sentinel failover); the write may still be delivered.");
        }
    }

    /// <summary><see cref="ConfirmReplicatedAsync"/> for a write whose script already ran: any failure
    /// while waiting becomes <see cref="NotReplicatedException"/> (outcome unknown), never one a retry
    /// would answer by running the script twice.</summary>
    private async Task ConfirmDurableWriteAsync(IConnectionMultiplexer written, string key, Direct.DirectConnection? direct = null)
    {
        try
        {
            await ConfirmReplicatedAsync(written, key, direct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not NotReplicatedException)
        {
            throw new NotReplicatedException("The write was not confirmed by a replica: " + e.Message, e);
        }
    }

    private void OnFailoverStarted()
    {
        Interlocked.Exchange(ref _failoverStartedMs, Environment.TickCount64);
        _beingReplaced = _link.Multiplexer;
        TopologyChanged?.Invoke();
    }

    private void Watch(ConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed += (sender, e) =>
        {
            if (sender == _link.Multiplexer)
            {
                LogConnectionFailed(_logger, e.EndPoint, e.ConnectionType, e.FailureType);
                TopologyChanged?.Invoke();
            }
        };
        multiplexer.ConnectionRestored += (sender, e) =>
        {
            if (sender == _link.Multiplexer)
            {
                LogConnectionRestored(_logger, e.EndPoint, e.ConnectionType);
                ConnectionRestored?.Invoke();
            }
        };
        multiplexer.ConfigurationChanged += (sender, e) =>
        {
            if (sender == _link.Multiplexer)
            {
                LogConfigurationChanged(_logger, e.EndPoint);
                TopologyChanged?.Invoke();
            }
        };
        multiplexer.HashSlotMoved += (sender, _) =>
        {
            if (sender == _link.Multiplexer)
            {
                TopologyChanged?.Invoke();
            }
        };
    }

    private async Task FollowSentinelsQuietlyAsync(EndPoint? announced)
    {
        try
        {
            await FollowSentinelsAsync(announced).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogSwitchFailed(_logger, e);
        }
    }

    /// <summary>Makes the link point at <paramref name="announced"/> (a <c>+switch-master</c>), or at the
    /// master a sentinel names. One switch at a time; an announcement waits for the one under way
    /// rather than being dropped.</summary>
    private async Task FollowSentinelsAsync(EndPoint? announced)
    {
        if (_sentinel is null)
        {
            return;
        }
        if (!await _switching.WaitAsync(announced is null ? TimeSpan.Zero : 2 * _operationTimeout).ConfigureAwait(false))
        {
            return;
        }
        try
        {
            var master = announced ?? await _sentinel.MasterAsync().ConfigureAwait(false);
            var current = _link;
            if (master is null || Equals(master, current.Master))
            {
                if (_beingReplaced is not null && Environment.TickCount64 - Interlocked.Read(ref _failoverStartedMs) > FailoverPatience.TotalMilliseconds)
                {
                    _beingReplaced = null; // the failover was aborted: the master stays
                }
                return;
            }
            var next = await RedisLink.ConnectAsync(_configuration, master, _operationTimeout).ConfigureAwait(false);
            Watch(next.Multiplexer);
            await SubscribeAllAsync(next).ConfigureAwait(false);
            _link = next;
            LogSwitched(_logger, current.Master?.ToString() ?? "(found by the library)", master);
            // Writes the old master took may be lost, and messages published meanwhile were missed.
            TopologyChanged?.Invoke();
            ConnectionRestored?.Invoke();
            _ = CloseLaterAsync(current);
        }
        finally
        {
            _switching.Release();
        }
    }

    /// <summary>Closes a replaced link once the commands sent on it had their deadline.</summary>
    private async Task CloseLaterAsync(RedisLink old)
    {
        await Task.Delay(_operationTimeout).ConfigureAwait(false);
        await old.CloseAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis master switched from {Old} to {New} (the sentinels' master); the client now talks to the new one only")]
    private static partial void LogSwitched(ILogger logger, string old, System.Net.EndPoint @new);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not follow the sentinels' master; the next heartbeat tries again")]
    private static partial void LogSwitchFailed(ILogger logger, Exception exception);
}
