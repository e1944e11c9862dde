using System.Diagnostics;
using Comet.Core.Diagnostics;
using Comet.Core.Engine;
using Comet.Redis.Scripts;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using StackExchange.Redis;

namespace Comet.Redis;

/// <summary>
/// The only place that talks to StackExchange.Redis (so moving to 2.x touches one file): one
/// multiplexer, scripts by SHA1, pub/sub, and a Polly pipeline (retry on connection loss with
/// backoff and jitter, circuit breaker, timeout) that turns an unreachable Redis into a quick
/// <see cref="StorageUnavailableException"/>.
/// </summary>
internal sealed partial class RedisClient : IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;
    private readonly IDatabase _database;
    private readonly ISubscriber _subscriber;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly CometMetrics? _metrics;
    private long _circuitOpenUntilTicks;

    private RedisClient(ConnectionMultiplexer multiplexer, RedisEngineOptions options, ILogger logger, CometMetrics? metrics)
    {
        _metrics = metrics;
        _multiplexer = multiplexer;
        _database = multiplexer.GetDatabase();
        _subscriber = multiplexer.GetSubscriber();
        _logger = logger;
        _pipeline = BuildPipeline(options.OperationTimeout, CircuitOpened);
        multiplexer.ConnectionFailed += (_, e) =>
        {
            LogConnectionFailed(_logger, e.EndPoint, e.ConnectionType, e.FailureType);
            ConnectionLost?.Invoke(e.ConnectionType == ConnectionType.Subscription);
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            LogConnectionRestored(_logger, e.EndPoint, e.ConnectionType);
            ConnectionRestored?.Invoke(e.ConnectionType == ConnectionType.Subscription);
        };
    }

    /// <summary>Raised when a connection drops; the argument is true for the pub/sub connection.</summary>
    public event Action<bool>? ConnectionLost;

    /// <summary>Raised when a connection is back; the argument is true for the pub/sub connection
    /// (StackExchange.Redis has then re-sent every SUBSCRIBE).</summary>
    public event Action<bool>? ConnectionRestored;

    /// <summary>
    /// True when operations can succeed: the multiplexer is connected and the circuit breaker is not
    /// rejecting calls. Right after Redis returns the multiplexer reconnects at once while the breaker
    /// still fails every call until its break ends; readiness must not say "ready" in that window.
    /// </summary>
    public bool IsAvailable =>
        _multiplexer.IsConnected && DateTime.UtcNow.Ticks >= Interlocked.Read(ref _circuitOpenUntilTicks);

    private void CircuitOpened(TimeSpan breakDuration) =>
        Interlocked.Exchange(ref _circuitOpenUntilTicks, DateTime.UtcNow.Add(breakDuration).Ticks);

    /// <summary>Connects without failing when Redis is down at start: the multiplexer keeps retrying.</summary>
    public static async Task<RedisClient> ConnectAsync(RedisEngineOptions options, string nodeName, ILogger logger, CometMetrics? metrics = null)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration);
        configuration.AbortOnConnectFail = false;
        configuration.ClientName ??= "comet-" + nodeName;
        var timeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.SyncTimeout = timeout;
        configuration.ConnectTimeout = Math.Max(timeout, 1000);
        configuration.KeepAlive = 5;
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        // The first connect may still be completing (e.g. the subscription connection); give it the
        // connect timeout so that the node starts ready instead of tripping the circuit breaker.
        var deadline = DateTime.UtcNow.AddMilliseconds(configuration.ConnectTimeout);
        while (!multiplexer.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25).ConfigureAwait(false);
        }
        return new RedisClient(multiplexer, options, logger, metrics);
    }

    /// <summary>Runs a script by SHA1, loading it by text when Redis does not know it (first use, restart).</summary>
    public Task<RedisResult> EvalAsync(RedisScript script, RedisKey[] keys, RedisValue[] args) =>
        RunAsync(database => EvalCoreAsync(database, script, keys, args), script.Name);

    /// <summary>Runs one operation under the resilience pipeline; <paramref name="name"/> (a fixed string) names it in traces.</summary>
    public async Task<T> RunAsync<T>(Func<IDatabaseAsync, Task<T>> operation, string name = "command")
    {
        // Telemetry: a span per operation (a child of the CometQL statement when one runs) and its latency.
        using var span = CometTracing.StartRedis(name);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, cancellationToken) =>
                    await state.operation(state.database).WaitAsync(cancellationToken).ConfigureAwait(false),
                (operation, database: (IDatabaseAsync)_database),
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            _metrics?.Error("redis", "unavailable");
            CometTracing.Failed(span, e, "unavailable");
            throw new StorageUnavailableException("The storage (Redis) is unavailable: " + e.Message, e);
        }
        finally
        {
            _metrics?.RedisOperation(started);
        }
    }

    /// <summary>Sends several commands in one batch (pipelined); <paramref name="queue"/> adds them.</summary>
    public Task<T[]> BatchAsync<T>(Func<IBatch, IEnumerable<Task<T>>> queue) =>
        RunAsync(async _ =>
        {
            var batch = _database.CreateBatch();
            var tasks = queue(batch).ToArray();
            batch.Execute();
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }, "batch");

    /// <summary>Runs scripts in one batch.</summary>
    public Task<RedisResult[]> EvalBatchAsync(IEnumerable<(RedisScript Script, RedisKey[] Keys, RedisValue[] Args)> calls) =>
        RunAsync(async _ =>
        {
            var list = calls.ToList();
            if (list.Count == 0)
            {
                return [];
            }
            var batch = _database.CreateBatch();
            var tasks = list.Select(c => EvalCoreAsync(batch, c.Script, c.Keys, c.Args)).ToArray();
            batch.Execute();
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }, "script batch");

    public Task SubscribeAsync(string channel, Action<RedisChannel, RedisValue> handler) =>
        RunAsync(async _ =>
        {
            await _subscriber.SubscribeAsync(channel, handler).ConfigureAwait(false);
            return true;
        }, "subscribe");

    public Task UnsubscribeAsync(string channel, Action<RedisChannel, RedisValue> handler) =>
        RunAsync(async _ =>
        {
            await _subscriber.UnsubscribeAsync(channel, handler).ConfigureAwait(false);
            return true;
        }, "unsubscribe");

    public Task<long> PublishAsync(string channel, byte[] payload) =>
        RunAsync(_ => _subscriber.PublishAsync(channel, payload), "publish");

    public void Dispose()
    {
        // Closing without waiting for replies: the engine has finished its work by now.
        _multiplexer.Close(allowCommandsToComplete: false);
        _multiplexer.Dispose();
    }

    private async Task<RedisResult> EvalCoreAsync(IDatabaseAsync database, RedisScript script, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await database.ScriptEvaluateAsync(script.Sha1, keys, args).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // Not the batch: it has been sent already. EVAL also caches the script in Redis.
            return await _database.ScriptEvaluateAsync(script.Text, keys, args).ConfigureAwait(false);
        }
    }

    private static bool IsUnavailable(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException or TimeoutRejectedException
            or BrokenCircuitException or TimeoutException or ObjectDisposedException;

    private static ResiliencePipeline BuildPipeline(TimeSpan timeout, Action<TimeSpan> circuitOpened) =>
        new ResiliencePipelineBuilder()
            // Only "no connection" is retried: the command was never sent, so retrying cannot duplicate it.
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RedisConnectionException>(),
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(50),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<RedisConnectionException>()
                    .Handle<RedisTimeoutException>()
                    .Handle<TimeoutRejectedException>(),
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(5),
                BreakDuration = TimeSpan.FromSeconds(1),
                OnOpened = args =>
                {
                    circuitOpened(args.BreakDuration);
                    return default;
                },
            })
            .AddTimeout(timeout)
            .Build();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection lost: {EndPoint} {ConnectionType} {FailureType}")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endPoint, ConnectionType connectionType, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection restored: {EndPoint} {ConnectionType}")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint, ConnectionType connectionType);
}
