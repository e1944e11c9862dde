using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Redis.Node;
using Comet.Redis.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Comet.Redis;

/// <summary>
/// The engine for a cluster of stateless gateways: all state in Redis (docs/redis.md), fan-out over
/// Redis pub/sub, presence with node leases, personal messages that survive pub/sub loss and crashes.
/// </summary>
public sealed partial class RedisEngine : ICometEngine, IAsyncDisposable
{
    private const int LaneCount = 64;

    private readonly RedisEngineOptions _options;
    private readonly string _node;
    private readonly LimitsOptions _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CometMetrics? _metrics;
    private Started? _started;

    public RedisEngine(
        IOptions<RedisEngineOptions> options, IOptions<CometOptions> comet, IOptions<LimitsOptions> limits,
        TimeProvider time, ILogger<RedisEngine> logger, CometMetrics metrics)
        : this(options.Value, comet.Value.NodeName, limits.Value, time, logger, metrics)
    {
    }

    internal RedisEngine(RedisEngineOptions options, string node, LimitsOptions limits, TimeProvider time, ILogger? logger = null, CometMetrics? metrics = null)
    {
        _options = options;
        _node = node;
        _limits = limits;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
    }

    public IUserStore Users => Running.Users;
    public IPipeStore Pipes => Running.Pipes;
    public IMessageBus Bus => Running.Bus;
    public IPresence Presence => Running.Presence;

    public bool IsReady => _started is { } s && s.Context.Client.IsAvailable && s.Context.Router.NodeChannelsSubscribed && s.Lease.IsFresh;

    /// <summary>This node's name in the cluster.</summary>
    public string NodeName => _node;

    /// <summary>This node's lease and reaper (tests drive the reaper directly).</summary>
    internal NodeLease Lease => Running.Lease;

    /// <summary>The running node's Redis client and keys (RedisClusterNodes reads the leases with them).</summary>
    internal NodeContext Context => Running.Context;

    private Started Running => _started ?? throw new InvalidOperationException("The Redis engine has not been started.");

    public async Task StartAsync(ILocalDelivery delivery, CancellationToken cancellationToken)
    {
        if (_started is not null)
        {
            return;
        }
        var client = await RedisClient.ConnectAsync(_options, _node, _logger, _metrics).ConfigureAwait(false);
        var keys = new RedisKeys(_options.Prefix);
        var connections = new LocalConnections();
        var lanes = new UserLanes(LaneCount, e => LogBackgroundFailure(_logger, e));
        var context = new NodeContext(_node, client, keys, _limits, _time, delivery, connections, lanes, _metrics, _logger);
        var inbox = new PersonalInbox(context);
        context.Inbox = inbox;
        context.Router = new PubSubRouter(client, keys, _node, delivery, _options.DeliveryQueueLength, inbox.Wake, e => LogBackgroundFailure(_logger, e));
        var presence = new RedisPresence(context);
        client.ConnectionRestored += subscription =>
        {
            // Wake-ups sent while the pub/sub connection was down are lost: take what is waiting.
            if (subscription)
            {
                inbox.WakeAll();
            }
        };
        var lease = new NodeLease(context, presence, inbox, _options.HeartbeatInterval, _options.NodeLeaseTtl);
        _started = new Started(
            context, lease,
            new RedisUserStore(client, keys, _limits, _time),
            new RedisPipeStore(client, keys, _limits, _time),
            new RedisMessageBus(context),
            presence);
        try
        {
            await lease.BeatAsync().ConfigureAwait(false);
        }
        catch (StorageUnavailableException e)
        {
            // Start anyway: readiness stays false and the lease keeps trying until Redis is back.
            LogStartedWithoutRedis(_logger, e, _node);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, null) is not { } started)
        {
            return;
        }
        await started.Lease.DisposeAsync().ConfigureAwait(false);
        try
        {
            foreach (var (connection, _) in started.Context.Connections.Snapshot())
            {
                await started.Presence.DisconnectAsync(connection).ConfigureAwait(false);
            }
            var keys = started.Context.Keys;
            await started.Context.Client.RunAsync(db => db.KeyDeleteAsync([keys.NodeUsers(_node), keys.NodePipes(_node)])).ConfigureAwait(false);
            await started.Context.Client.RunAsync(db => db.SortedSetRemoveAsync(keys.Nodes, _node)).ConfigureAwait(false);
        }
        catch (StorageUnavailableException e)
        {
            // Other nodes reap this one when its lease expires.
            LogLeftUncleanly(_logger, e, _node);
        }
        await ShutDownAsync(started).ConfigureAwait(false);
    }

    /// <summary>Stops like a killed process: no cleanup in Redis, so other nodes must reap this one.</summary>
    internal async Task CrashAsync()
    {
        if (Interlocked.Exchange(ref _started, null) is { } started)
        {
            await started.Lease.DisposeAsync().ConfigureAwait(false);
            await ShutDownAsync(started).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    private static async Task ShutDownAsync(Started started)
    {
        started.Context.Client.Dispose();
        await started.Context.Router.DisposeAsync().ConfigureAwait(false);
        await started.Context.Lanes.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis engine background work failed")]
    private static partial void LogBackgroundFailure(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {Node} started while Redis is unreachable; it will become ready when Redis is back")]
    private static partial void LogStartedWithoutRedis(ILogger logger, Exception exception, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} could not leave the cluster cleanly; its lease will expire")]
    private static partial void LogLeftUncleanly(ILogger logger, Exception exception, string node);

    private sealed record Started(
        NodeContext Context, NodeLease Lease, RedisUserStore Users, RedisPipeStore Pipes, RedisMessageBus Bus, RedisPresence Presence);
}
