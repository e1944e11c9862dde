using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Comet.Core.Diagnostics;

/// <summary>
/// The gateway's counters: published as OpenTelemetry/.NET meters (meter <c>Comet.Gateway</c>) and
/// read back by CometQL's <c>SHOW STATUS</c>. Node-local. Recording costs nothing noteworthy when
/// no listener (OpenTelemetry, dotnet-counters) is attached: instruments check that first.
/// </summary>
public sealed class CometMetrics : IDisposable
{
    public const string MeterName = "Comet.Gateway";

    private readonly Meter _meter;
    private readonly Counter<long> _pipeMessages;
    private readonly Counter<long> _personalMessages;
    private readonly Counter<long> _queries;
    private readonly Counter<long> _droppedQueued;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _messagesOut;
    private readonly Histogram<double> _redisDuration;
    private readonly Histogram<double> _deliveryLag;
    private long _pipeMessagesTotal;
    private long _personalMessagesTotal;
    private long _queriesTotal;
    private long _droppedQueuedTotal;
    private long _webSocketConnections;
    private long _cometQLConnections;

    // Latencies in seconds, from a fraction of a millisecond to 10 s. Without them the exporter's default
    // boundaries (0, 5, 10, 25 … 10,000, meant for milliseconds) put every sample in the first bucket.
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    public CometMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _pipeMessages = _meter.CreateCounter<long>("comet.pipe.messages", description: "Messages published to pipes by this node (messages in).");
        _personalMessages = _meter.CreateCounter<long>("comet.personal.messages", description: "Personal messages sent by this node (messages in).");
        _queries = _meter.CreateCounter<long>("comet.cometql.queries", description: "CometQL statements executed by this node, by table and operation.");
        _droppedQueued = _meter.CreateCounter<long>("comet.queue.dropped", description: "Queued personal messages dropped because a queue was full.");
        _errors = _meter.CreateCounter<long>("comet.errors", description: "Errors answered or met by this node, by source (cometql, redis) and code.");
        _messagesOut = _meter.CreateCounter<long>("comet.websocket.messages.out", description: "Messages written to WebSocket clients by this node (messages out).");
        _redisDuration = _meter.CreateHistogram("comet.redis.duration", unit: "s", description: "Latency of one Redis operation (a command, script or batch) as the node sees it.",
            tags: null, advice: SecondsBuckets);
        _deliveryLag = _meter.CreateHistogram("comet.delivery.lag", unit: "s",
            description: "Publish-to-delivery lag: from the moment this node's hub got a message (from a local publisher or Redis pub/sub) until it was written to the client's socket.",
            tags: null, advice: SecondsBuckets);
        _meter.CreateObservableGauge("comet.websocket.connections", () => Volatile.Read(ref _webSocketConnections), description: "Open WebSocket connections on this node.");
        _meter.CreateObservableGauge("comet.cometql.connections", () => Volatile.Read(ref _cometQLConnections), description: "Open CometQL connections on this node.");
    }

    public long PipeMessages => Volatile.Read(ref _pipeMessagesTotal);
    public long PersonalMessages => Volatile.Read(ref _personalMessagesTotal);
    public long Queries => Volatile.Read(ref _queriesTotal);
    public long DroppedQueuedMessages => Volatile.Read(ref _droppedQueuedTotal);
    public long WebSocketConnections => Volatile.Read(ref _webSocketConnections);
    public long CometQLConnections => Volatile.Read(ref _cometQLConnections);

    /// <summary>The meter itself, for parts that add their own instruments under <see cref="MeterName"/>.</summary>
    public Meter Meter => _meter;

    public void PipeMessagePublished()
    {
        Interlocked.Increment(ref _pipeMessagesTotal);
        _pipeMessages.Add(1);
    }

    public void PersonalMessageSent()
    {
        Interlocked.Increment(ref _personalMessagesTotal);
        _personalMessages.Add(1);
    }

    /// <summary>Counts a CometQL statement. <paramref name="table"/> and <paramref name="operation"/> must come from a fixed set (no user input: tag cardinality).</summary>
    public void StatementExecuted(string table, string operation)
    {
        Interlocked.Increment(ref _queriesTotal);
        if (_queries.Enabled)
        {
            _queries.Add(1, new KeyValuePair<string, object?>("table", table), new KeyValuePair<string, object?>("operation", operation));
        }
    }

    /// <summary>Counts an error. <paramref name="code"/> is an error code or a short fixed name.</summary>
    public void Error(string source, string code)
    {
        if (_errors.Enabled)
        {
            _errors.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("code", code));
        }
    }

    public void QueuedMessagesDropped(long count)
    {
        Interlocked.Add(ref _droppedQueuedTotal, count);
        _droppedQueued.Add(count);
    }

    /// <summary>A Redis operation finished; <paramref name="startTimestamp"/> is its <see cref="Stopwatch.GetTimestamp()"/> at start.</summary>
    public void RedisOperation(long startTimestamp)
    {
        if (_redisDuration.Enabled)
        {
            _redisDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
        }
    }

    /// <summary>A message was written to a WebSocket client; <paramref name="receivedTimestamp"/> is when the hub got it.</summary>
    public void MessageWritten(long receivedTimestamp)
    {
        _messagesOut.Add(1);
        if (_deliveryLag.Enabled && receivedTimestamp != 0)
        {
            _deliveryLag.Record(Stopwatch.GetElapsedTime(receivedTimestamp).TotalSeconds);
        }
    }

    public void WebSocketOpened() => Interlocked.Increment(ref _webSocketConnections);
    public void WebSocketClosed() => Interlocked.Decrement(ref _webSocketConnections);
    public void CometQLOpened() => Interlocked.Increment(ref _cometQLConnections);
    public void CometQLClosed() => Interlocked.Decrement(ref _cometQLConnections);

    public void Dispose() => _meter.Dispose();
}
