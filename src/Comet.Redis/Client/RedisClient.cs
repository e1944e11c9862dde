using System.Diagnostics;
using System.Net;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Redis.Client.Direct;
using Comet.Redis.Scripts;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// The engine's one door to Redis: nothing outside this folder uses StackExchange.Redis. One
/// multiplexer for a single server or a Cluster (it follows slots and MOVED), or, on a Sentinel set,
/// one pinned to the master the sentinels name and replaced when they name another; scripts by SHA1;
/// sharded or classic pub/sub; every call under a deadline, retried only when Redis refused it or never
/// got it (so a retry cannot duplicate it), with failures turned into <see cref="StorageUnavailableException"/>.
/// </summary>
internal sealed partial class RedisClient : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly TimeSpan _operationTimeout;
    private readonly SentinelWatch? _sentinel;
    private readonly ResiliencePipeline _pipeline;
    private readonly TopologyRefresher _topology;
    private readonly ReplicaBarrier _replicas;
    private readonly ILogger _logger;
    private readonly CometMetrics? _metrics;
    private readonly DirectConnections? _direct;
    private volatile RedisLink _link;

    private RedisClient(RedisLink link, ConfigurationOptions configuration, SentinelWatch? sentinel, RedisEngineOptions options, ILogger logger, CometMetrics? metrics)
    {
        _link = link;
        _configuration = configuration;
        _operationTimeout = options.OperationTimeout;
        _sentinel = sentinel;
        _logger = logger;
        _metrics = metrics;
        _topology = new TopologyRefresher(() => _link.Multiplexer, logger);
        _replicas = new ReplicaBarrier(() => _link.Multiplexer, options.DurableReplicas, options.DurableTimeout, logger);
        _pipeline = BuildPipeline(options.OperationTimeout, _topology);
        _direct = DirectConnectionsFor(configuration, options, logger);
        Watch(link.Multiplexer);
        TopologyChanged += _replicas.Forget;
        if (_direct is not null)
        {
            TopologyChanged += _direct.RetireAll;
        }
        if (sentinel is not null)
        {
            sentinel.MasterSwitched += master => _ = FollowSentinelsQuietlyAsync(master);
            sentinel.FailoverStarted += OnFailoverStarted;
        }
    }

    /// <summary>Raised when a connection is back (StackExchange.Redis has re-sent every subscription);
    /// messages published meanwhile were lost to this node.</summary>
    public event Action? ConnectionRestored;

    /// <summary>Raised when a connection failed or the client learnt of a new master or slot owner:
    /// writes acknowledged by a master that went away may be lost, and pub/sub may have missed messages.</summary>
    public event Action? TopologyChanged;

    /// <summary>Connects without failing when Redis is down at start: the multiplexer keeps retrying.</summary>
    public static async Task<RedisClient> ConnectAsync(RedisEngineOptions options, string clientName, ILogger logger, CometMetrics? metrics = null)
    {
        var configuration = RedisConfiguration.Build(options, clientName);
        SentinelWatch? sentinel = null;
        EndPoint? master = null;
        if (configuration.ServiceName is not null)
        {
            sentinel = await SentinelWatch.ConnectAsync(configuration, logger).ConfigureAwait(false);
            // Unknown when no sentinel answers yet: the library's own Sentinel support serves meanwhile,
            // and the next heartbeat pins the link to the master.
            master = await sentinel.MasterAsync().ConfigureAwait(false);
        }
        var link = await RedisLink.ConnectAsync(configuration, master, options.OperationTimeout).ConfigureAwait(false);
        var client = new RedisClient(link, configuration, sentinel, options, logger, metrics);
        await client.RefreshTopologyAsync().ConfigureAwait(false);
        return client;
    }

    /// <summary>Every heartbeat, before anything that needs the master: follows the sentinels' master (on a
    /// Sentinel set) and reads how many replicas each master has (durable writes wait for them). Never
    /// throws: a dead master must not keep the node from finding the new one.</summary>
    public async Task RefreshTopologyAsync()
    {
        await FollowSentinelsQuietlyAsync(announced: null).ConfigureAwait(false);
        await _replicas.RefreshAsync().ConfigureAwait(false);
        _direct?.CloseIdleRetired();
    }

    /// <summary>Runs a script by SHA1, loading it by text when Redis does not know it (first use, restart, failover).</summary>
    public Task<RedisReply> EvalAsync(RedisScript script, string[] keys, RedisArg[] args)
    {
        var link = _link;
        return DirectFor(link, keys) is { } direct
            ? EvalDirectAsync(link, direct, script, keys, args, durable: false)
            : EvalThroughLibraryAsync(script, keys, args);
    }

    /// <summary>
    /// Runs a script, then waits until the master's replicas have it too (Redis WAIT, shared with
    /// concurrent callers), so that a failover right after the answer loses nothing. Without replicas,
    /// or with durability turned off, it is <see cref="EvalAsync"/>.
    /// </summary>
    public Task<RedisReply> EvalDurableAsync(RedisScript script, string[] keys, RedisArg[] args)
    {
        // The link the write is routed by is the one its confirmation is checked against (a Sentinel switch may come between).
        var link = _link;
        return DirectFor(link, keys) is { } direct
            ? EvalDirectAsync(link, direct, script, keys, args, durable: true)
            : EvalDurableThroughLibraryAsync(script, keys, args);
    }

    private Task<RedisReply> EvalThroughLibraryAsync(RedisScript script, string[] keys, RedisArg[] args) =>
        RunAsync(database => EvalCoreAsync(database, script, keys, args), script.Name);

    private Task<RedisReply> EvalDurableThroughLibraryAsync(RedisScript script, string[] keys, RedisArg[] args) =>
        RunAsync(async database =>
        {
            var reply = await EvalCoreAsync(database, script, keys, args).ConfigureAwait(false);
            // On the same multiplexer as the write: WAIT covers the writes sent on its connection,
            // and a Sentinel switch may have put a new link in place meanwhile.
            await ConfirmDurableWriteAsync(database.Multiplexer, keys[0]).ConfigureAwait(false);
            return reply;
        }, script.Name);

    /// <summary>Runs scripts in one pipelined batch (each may go to a different shard).</summary>
    public Task<RedisReply[]> EvalBatchAsync(IReadOnlyCollection<ScriptCall> calls) =>
        calls.Count == 0 ? Task.FromResult(Array.Empty<RedisReply>()) : RunAsync(async database =>
        {
            var batch = ((IDatabase)database).CreateBatch();
            var tasks = calls.Select(c => EvalCoreAsync(batch, c.Script, c.Keys, c.Args)).ToArray();
            batch.Execute();
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }, "script batch");

    /// <summary>Waits until the replicas of the master that holds <paramref name="key"/> confirmed every
    /// write this client sent it so far (for multi-step work that must not be undone by a failover).</summary>
    public Task WaitForReplicasAsync(string key) =>
        RunAsync(async database =>
        {
            await ConfirmReplicatedAsync(database.Multiplexer, key).ConfigureAwait(false);
            return true;
        }, "wait");

    public async ValueTask DisposeAsync()
    {
        // Closing without waiting for replies: the engine has finished its work by now.
        _direct?.Dispose();
        await _link.CloseAsync().ConfigureAwait(false);
        if (_sentinel is not null)
        {
            await _sentinel.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs one operation under the deadline and retry policy; <paramref name="name"/> (a fixed string) names it in traces.</summary>
    private async Task<T> RunAsync<T>(Func<IDatabaseAsync, Task<T>> operation, string name)
    {
        // Telemetry: a span per operation (a child of the CometQL statement when one runs) and its latency.
        using var span = CometTracing.StartRedis(name);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The link is read on every attempt: a retry after a Sentinel switch goes to the new master.
            return await _pipeline.ExecuteAsync(
                static async (state, cancellationToken) =>
                    await state.operation(state.client._link.Database).WaitAsync(cancellationToken).ConfigureAwait(false),
                (operation, client: this),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisFailures.Classify(e) is var failure and not RedisFailure.None)
        {
            throw Unavailable(e, failure, span);
        }
        finally
        {
            _metrics?.RedisOperation(started);
        }
    }

    /// <summary>Counts and traces a storage failure, asks for a topology refresh when it says the view is stale, and says what the caller gets.</summary>
    private StorageUnavailableException Unavailable(Exception e, RedisFailure failure, Activity? span)
    {
        var outcomeUnknown = failure == RedisFailure.OutcomeUnknown;
        _metrics?.Error("redis", outcomeUnknown ? "outcome_unknown" : "unavailable");
        CometTracing.Failed(span, e, "unavailable");
        if (RedisFailures.MeansStaleTopology(e))
        {
            _topology.Request();
        }
        return new StorageUnavailableException("The storage (Redis) is unavailable: " + e.Message, e, outcomeUnknown);
    }

    private static async Task<RedisReply> EvalCoreAsync(IDatabaseAsync database, RedisScript script, string[] keys, RedisArg[] args)
    {
        var redisKeys = new RedisKey[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            redisKeys[i] = keys[i];
        }
        var values = new RedisValue[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            values[i] = args[i].ToValue();
        }
        try
        {
            return new RedisReply(await database.ScriptEvaluateAsync(script.Sha1, redisKeys, values).ConfigureAwait(false));
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // Not the batch: it has been sent already. EVAL also caches the script in Redis. The same
            // multiplexer, so that a durable write's WAIT follows it on the same connection.
            return new RedisReply(await database.Multiplexer.GetDatabase().ScriptEvaluateAsync(script.Text, redisKeys, values).ConfigureAwait(false));
        }
    }

    private static ResiliencePipeline BuildPipeline(TimeSpan timeout, TopologyRefresher topology) =>
        new ResiliencePipelineBuilder()
            // The deadline covers the retries: a caller waits at most OperationTimeout.
            .AddTimeout(timeout)
            // Only what Redis refused or never received is retried (a retry cannot duplicate it), a few
            // times with backoff: long enough for an election or a reconnect, short enough that a Redis
            // that is down still fails fast.
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && RedisFailures.Classify(e) == RedisFailure.NotExecuted),
                MaxRetryAttempts = 4,
                Delay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromMilliseconds(400),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    if (args.Outcome.Exception is { } e && RedisFailures.MeansStaleTopology(e))
                    {
                        topology.Request();
                    }
                    return default;
                },
            })
            .Build();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection lost: {EndPoint} {ConnectionType} {FailureType}")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endPoint, ConnectionType connectionType, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection restored: {EndPoint} {ConnectionType}")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint, ConnectionType connectionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis topology changed at {EndPoint}")]
    private static partial void LogConfigurationChanged(ILogger logger, System.Net.EndPoint? endPoint);
}
