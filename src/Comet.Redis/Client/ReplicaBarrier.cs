using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Comet.Redis.Client.Direct;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// Durable writes: after a write to a master, waits until its replicas confirmed everything this client
/// sent to that master (Redis <c>WAIT</c>). Callers that arrive while a WAIT is out share the next one
/// (group commit), so the cost is about one replication round trip per batch, not per write. Replica
/// counts are read (<c>ROLE</c>) every heartbeat, and again before the next durable write after a failover.
/// <para>
/// A master without replicas is not waited for (there is nothing to wait for), with one exception: a
/// master seen with replicas within the last <see cref="LostReplicasWindow"/> and now without is waited
/// for all the same. That is what a former master looks like while writes still reach it after its
/// replica was promoted (a manual failover, or one that hung and woke up; the client follows the new
/// master within moments, but writes already on their way land on the old one): what it takes then is
/// thrown away when it resyncs, so it must not be acknowledged. A replica that really died costs durable
/// writes to its master that window, then they go on without it.
/// </para>
/// </summary>
internal sealed partial class ReplicaBarrier(Func<ConnectionMultiplexer> multiplexer, int required, TimeSpan timeout, ILogger logger)
{
    public static readonly TimeSpan LostReplicasWindow = TimeSpan.FromSeconds(10);

    // Per connection (a multiplexer or a direct connection) and master: a WAIT covers only the writes sent on its own connection.
    private readonly ConcurrentDictionary<(object Connection, EndPoint Master), ServerBarrier> _servers = new();
    private readonly ConcurrentDictionary<EndPoint, Master> _masters = new();
    private readonly long _timeoutMs = (long)timeout.TotalMilliseconds;

    /// <summary>Completes once enough replicas have everything <paramref name="written"/> sent to the master of
    /// <paramref name="key"/> (or, with <paramref name="direct"/>, everything sent on that connection);
    /// throws <see cref="NotReplicatedException"/> when they do not confirm in time.</summary>
    public async Task WaitAsync(IConnectionMultiplexer written, string key, DirectConnection? direct = null)
    {
        if (required == 0)
        {
            return;
        }
        var server = direct is null ? written.GetServer((RedisKey)key) : written.GetServer(direct.EndPoint);
        var master = _masters.GetOrAdd(server.EndPoint, _ => new Master());
        if (!master.Known)
        {
            // A master not seen since the last failover (a replica just promoted): ask it once.
            await CountReplicasAsync(server).ConfigureAwait(false);
        }
        var need = Math.Min(required, master.ReplicasToWaitFor(Environment.TickCount64));
        if (need > 0)
        {
            var barrier = _servers.GetOrAdd(((object?)direct ?? written, server.EndPoint),
                static (_, state) => new ServerBarrier(state.owner, WaitCommand(state.server, state.direct)), (owner: this, server, direct));
            await barrier.JoinAsync(need).ConfigureAwait(false);
        }
    }

    /// <summary>Reads how many replicas are connected to every connected master (<c>ROLE</c>).</summary>
    public async Task RefreshAsync()
    {
        if (required == 0)
        {
            return;
        }
        foreach (var server in multiplexer().GetServers())
        {
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }
            try
            {
                await CountReplicasAsync(server).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Keep the last known count; the next heartbeat tries again.
            }
        }
    }

    /// <summary>After a failover the masters and their replicas changed: ask each again before its next durable write.</summary>
    public void Forget()
    {
        foreach (var master in _masters.Values)
        {
            master.Known = false;
        }
        foreach (var (connection, endPoint) in _servers.Keys)
        {
            if (connection is DirectConnection { IsFailed: true })
            {
                _servers.TryRemove((connection, endPoint), out _);
            }
        }
    }

    /// <summary>WAIT on the connection the writes went through: it covers only those.</summary>
    private static Func<int, long, Task<long>> WaitCommand(IServer server, DirectConnection? direct) => direct is null
        ? async (need, timeoutMs) => (long)await server.ExecuteAsync("WAIT", need, timeoutMs).ConfigureAwait(false)
        : async (need, timeoutMs) => (long)(await direct.CommandAsync(["WAIT", need, timeoutMs], TimeSpan.FromMilliseconds(timeoutMs)).ConfigureAwait(false)).Value;

    private async Task CountReplicasAsync(IServer server)
    {
        var replicas = await server.RoleAsync().ConfigureAwait(false) is Role.Master master ? master.Replicas.Count : 0;
        var state = _masters.GetOrAdd(server.EndPoint, _ => new Master());
        var before = state.Replicas;
        state.Observe(replicas, Environment.TickCount64);
        if (before != replicas && before >= 0)
        {
            LogReplicasChanged(logger, server.EndPoint, before, replicas);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis master {EndPoint} now has {Replicas} replicas (was {Before}); durable writes wait for up to that many")]
    private static partial void LogReplicasChanged(ILogger logger, EndPoint endPoint, int before, int replicas);

    /// <summary>What is known of one master's replicas.</summary>
    private sealed class Master
    {
        private long _lastSeenWithReplicas = long.MinValue / 2;

        public int Replicas { get; private set; } = -1;

        public bool Known { get; set; }

        public void Observe(int replicas, long now)
        {
            Replicas = replicas;
            Known = true;
            if (replicas > 0)
            {
                Volatile.Write(ref _lastSeenWithReplicas, now);
            }
        }

        public int ReplicasToWaitFor(long now) =>
            Replicas > 0 ? Replicas
            : now - Volatile.Read(ref _lastSeenWithReplicas) < (long)LostReplicasWindow.TotalMilliseconds ? 1
            : 0;
    }

    /// <summary>The WAITs of one master: at most one out at a time, the callers that arrive meanwhile
    /// wait for the next one (it is sent after their writes were answered, so it covers them).</summary>
    private sealed class ServerBarrier(ReplicaBarrier owner, Func<int, long, Task<long>> wait)
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource? _next;
        private int _nextNeed;
        private bool _waiting;

        public Task JoinAsync(int need)
        {
            lock (_lock)
            {
                _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _nextNeed = Math.Max(_nextNeed, need);
                var task = _next.Task;
                if (!_waiting)
                {
                    StartNext();
                }
                return task;
            }
        }

        private void StartNext()
        {
            var batch = _next!;
            var need = _nextNeed;
            _next = null;
            _nextNeed = 0;
            _waiting = true;
            _ = RunAsync(batch, need);
        }

        private async Task RunAsync(TaskCompletionSource batch, int need)
        {
            try
            {
                var confirmed = await wait(need, owner._timeoutMs).ConfigureAwait(false);
                if (confirmed >= need)
                {
                    batch.TrySetResult();
                }
                else
                {
                    batch.TrySetException(new NotReplicatedException(string.Create(CultureInfo.InvariantCulture,
                        $"{confirmed} of {need} replicas confirmed the write within {owner._timeoutMs} ms; it may still be delivered.")));
                }
            }
            catch (Exception e)
            {
                batch.TrySetException(e);
            }
            finally
            {
                lock (_lock)
                {
                    _waiting = false;
                    if (_next is not null)
                    {
                        StartNext();
                    }
                }
            }
        }
    }
}
