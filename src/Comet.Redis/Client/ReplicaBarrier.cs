using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// Durable writes: after a write to a master, waits until its replicas confirmed everything this client
/// sent to that master (Redis <c>WAIT</c>). Callers that arrive while a WAIT is out share the next one
/// (group commit), so the cost is about one replication round trip per batch, not per write. A master
/// without replicas is not waited for (there is nothing to wait for). Replica counts are read
/// (<c>ROLE</c>) every heartbeat, and again before the next durable write after a failover.
/// <para>
/// Writes never go to a former master that still says "master" while a replica took over: a Cluster
/// demotes it through its bus and the client follows MOVED, and on a Sentinel set the client talks only
/// to the master the sentinels name (<see cref="RedisClient"/>). Otherwise such a server, having lost its
/// replica to the promotion, would acknowledge writes it throws away when it resyncs.
/// </para>
/// </summary>
internal sealed partial class ReplicaBarrier(Func<ConnectionMultiplexer> multiplexer, int required, TimeSpan timeout, ILogger logger)
{
    private readonly ConcurrentDictionary<EndPoint, ServerBarrier> _servers = new();
    private readonly ConcurrentDictionary<EndPoint, int> _replicaCounts = new();
    private readonly long _timeoutMs = (long)timeout.TotalMilliseconds;

    /// <summary>Completes once enough replicas have everything sent to the master of <paramref name="key"/>;
    /// throws <see cref="NotReplicatedException"/> when they do not confirm in time.</summary>
    public async Task WaitAsync(string key)
    {
        if (required == 0)
        {
            return;
        }
        var server = multiplexer().GetServer((RedisKey)key);
        if (!_replicaCounts.TryGetValue(server.EndPoint, out var replicas))
        {
            // A master not seen since the last failover (a replica just promoted): ask it once.
            replicas = await CountReplicasAsync(server).ConfigureAwait(false);
        }
        var need = Math.Min(required, replicas);
        if (need > 0)
        {
            await _servers.GetOrAdd(server.EndPoint, _ => new ServerBarrier(this)).JoinAsync(server, need).ConfigureAwait(false);
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
    public void Forget() => _replicaCounts.Clear();

    private async Task<int> CountReplicasAsync(IServer server)
    {
        var replicas = await server.RoleAsync().ConfigureAwait(false) is Role.Master master ? master.Replicas.Count : 0;
        var before = _replicaCounts.GetValueOrDefault(server.EndPoint, replicas);
        if (before != replicas)
        {
            LogReplicasChanged(logger, server.EndPoint, before, replicas);
        }
        _replicaCounts[server.EndPoint] = replicas;
        return replicas;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis master {EndPoint} now has {Replicas} replicas (was {Before}); durable writes wait for up to that many")]
    private static partial void LogReplicasChanged(ILogger logger, EndPoint endPoint, int before, int replicas);

    /// <summary>The WAITs of one master: at most one out at a time, the callers that arrive meanwhile
    /// wait for the next one (it is sent after their writes were answered, so it covers them).</summary>
    private sealed class ServerBarrier(ReplicaBarrier owner)
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource? _next;
        private int _nextNeed;
        private bool _waiting;

        public Task JoinAsync(IServer server, int need)
        {
            lock (_lock)
            {
                _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _nextNeed = Math.Max(_nextNeed, need);
                var task = _next.Task;
                if (!_waiting)
                {
                    StartNext(server);
                }
                return task;
            }
        }

        private void StartNext(IServer server)
        {
            var batch = _next!;
            var need = _nextNeed;
            _next = null;
            _nextNeed = 0;
            _waiting = true;
            _ = RunAsync(server, batch, need);
        }

        private async Task RunAsync(IServer server, TaskCompletionSource batch, int need)
        {
            try
            {
                var confirmed = (long)await server.ExecuteAsync("WAIT", need, owner._timeoutMs).ConfigureAwait(false);
                if (confirmed >= need)
                {
                    batch.TrySetResult();
                }
                else
                {
                    batch.TrySetException(new NotReplicatedException(string.Create(CultureInfo.InvariantCulture,
                        $"{confirmed} of {need} replicas of {server.EndPoint} confirmed the write within {owner._timeoutMs} ms; it may still be delivered.")));
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
                        StartNext(server);
                    }
                }
            }
        }
    }
}
