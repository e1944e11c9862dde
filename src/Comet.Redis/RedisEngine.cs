using System.Diagnostics.Metrics;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Redis.Client;
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
    private readonly NodeIdentity _identity;
    private readonly LimitsOptions _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CometMetrics? _metrics;
    private Started? _started;

    public RedisEngine(
        IOptions<RedisEngineOptions> options, NodeIdentity identity, IOptions<LimitsOptions> limits,
        TimeProvider time, ILogger<RedisEngine> logger, CometMetrics metrics)
        : this(options.Value, identity, limits.Value, time, logger, metrics)
    {
    }

    internal RedisEngine(RedisEngineOptions options, NodeIdentity identity, LimitsOptions limits, TimeProvider time, ILogger? logger = null, CometMetrics? metrics = null)
    {
        _options = options;
        _identity = identity;
        _limits = limits;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
    }

    public string Name => "redis";

    public IUserStore Users => Running.Users;
    public IPipeStore Pipes => Running.Pipes;
    public IMessageBus Bus => Running.Bus;
    public IPresence Presence => Running.Presence;

    /// <summary>Ready while the node's lease is fresh (renewed within <see cref="RedisEngineOptions.NodeLeaseTtl"/>):
    /// a failover, in one shard of a Cluster or of a Sentinel set's master, is shorter than the lease and
    /// does not take every gateway out of the load balancer at once; a Redis that stays away does.</summary>
    public bool IsReady => _started is { } s && s.Lease.IsFresh;

    /// <summary>This process in the cluster.</summary>
    public NodeIdentity Identity => _identity;

    /// <summary>The id this node's registrations carry in Redis now.</summary>
    internal string Registration => Running.Context.Registration;

    /// <summary>This node's lease and reaper (tests drive the reaper directly).</summary>
    internal NodeLease Lease => Running.Lease;

    /// <summary>The running node's Redis client and keys (RedisClusterNodes reads the leases with them).</summary>
    internal NodeContext Context => Running.Context;

    private Started Running => _started ?? throw new InvalidOperationException("The Redis engine has not been started.");

    public async Task StartAsync(ILocalNode node, CancellationToken cancellationToken)
    {
        if (_started is not null)
        {
            return;
        }
        var client = await RedisClient.ConnectAsync(_options, "comet-" + _identity.Id, _logger, _metrics).ConfigureAwait(false);
        var keys = new RedisKeys(_options.Prefix, _options.EffectivePubSub);
        var lanes = new UserLanes(LaneCount, e => LogBackgroundFailure(_logger, e));
        var context = new NodeContext(_identity, client, keys, _limits, _time, node, lanes, _metrics, _logger);
        var inbox = new PersonalInbox(context);
        context.Inbox = inbox;
        // A pipe message older than two operation deadlines can only be one whose sender was told it failed.
        context.Router = new PubSubRouter(client, keys, _identity.Id, node, _options.DeliveryQueueLength, _time, _options.OperationTimeout * 2,
            inbox.Wake, e => LogBackgroundFailure(_logger, e));
        var presence = new RedisPresence(context);
        var lease = new NodeLease(context, presence, _options.HeartbeatInterval, _options.NodeLeaseTtl);
        // Wake-ups sent while a connection was down are lost: take what is waiting. After a failover,
        // also register everything again (the lease does it once things settle).
        client.ConnectionRestored += inbox.WakeAll;
        client.TopologyChanged += lease.TopologyChanged;
        _started = new Started(
            context, lease,
            new RedisUserStore(client, keys, _limits, _time),
            new RedisPipeStore(client, keys, _limits, _time),
            new RedisMessageBus(context),
            presence);
        var router = context.Router;
        _metrics?.Meter.CreateObservableCounter<long>("comet.redis.pubsub.dropped", () =>
            [
                new Measurement<long>(router.Dropped, new KeyValuePair<string, object?>("reason", "queue_full")),
                new Measurement<long>(router.Stale, new KeyValuePair<string, object?>("reason", "stale")),
                new Measurement<long>(router.Repeated, new KeyValuePair<string, object?>("reason", "repeated")),
            ], description: "Pub/sub messages this node did not deliver: its delivery queue was full, they arrived too late (a hung master ran them), or twice.");
        LogStarted(_logger, _identity.Id, _options.EffectivePubSub, _options.Protocol, _options.DurableReplicas);
        try
        {
            await lease.BeatAsync().ConfigureAwait(false);
        }
        catch (StorageUnavailableException e)
        {
            // Start anyway: readiness stays false and the lease keeps trying until Redis is back.
            LogStartedWithoutRedis(_logger, e, _identity.Id);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, null) is not { } started)
        {
            return;
        }
        var retiring = await started.Lease.StopAsync().ConfigureAwait(false);
        var context = started.Context;
        try
        {
            // The node has disconnected its clients by now, unless their disconnects failed.
            foreach (var local in context.Local.Subscriptions())
            {
                await started.Presence.DisconnectAsync(local.Client, local.Pipes).ConfigureAwait(false);
            }
            var keys = context.Keys;
            var node = context.Registration;
            await context.Client.DeleteAsync(keys.NodeUsers(node)).ConfigureAwait(false);
            await context.Client.DeleteAsync(keys.NodePipes(node)).ConfigureAwait(false);
            await context.Client.SortedSetRemoveAsync(keys.Nodes, node).ConfigureAwait(false);
            if (retiring.Count > 0)
            {
                // Registrations the node had replaced: a live node reaps them.
                await started.Lease.Reaper.ReapAsync(retiring).ConfigureAwait(false);
            }
        }
        catch (StorageUnavailableException e)
        {
            // Other nodes reap this one when its lease expires.
            LogLeftUncleanly(_logger, e, _identity.Id);
        }
        await ShutDownAsync(started).ConfigureAwait(false);
    }

    /// <summary>Stops like a killed process: no cleanup in Redis, so other nodes must reap this one.</summary>
    internal async Task CrashAsync()
    {
        if (Interlocked.Exchange(ref _started, null) is { } started)
        {
            await started.Lease.StopAsync().ConfigureAwait(false);
            await ShutDownAsync(started).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    private static async Task ShutDownAsync(Started started)
    {
        await started.Context.Client.DisposeAsync().ConfigureAwait(false);
        await started.Context.Router.DisposeAsync().ConfigureAwait(false);
        await started.Context.Lanes.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis engine background work failed")]
    private static partial void LogBackgroundFailure(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} joins the cluster on Redis: pub/sub {PubSub}, protocol {Protocol}, durable writes wait for {DurableReplicas} replica(s) where the master has them")]
    private static partial void LogStarted(ILogger logger, string node, PubSubMode pubSub, RedisProtocolVersion protocol, int durableReplicas);

    [LoggerMessage(Level = LogLevel.Error, Message = "Node {Node} started while Redis is unreachable; it will become ready when Redis is back")]
    private static partial void LogStartedWithoutRedis(ILogger logger, Exception exception, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {Node} could not leave the cluster cleanly; its lease will expire")]
    private static partial void LogLeftUncleanly(ILogger logger, Exception exception, string node);

    private sealed record Started(
        NodeContext Context, NodeLease Lease, RedisUserStore Users, RedisPipeStore Pipes, RedisMessageBus Bus, RedisPresence Presence);
}
