using System.Diagnostics.Metrics;

namespace Comet.Core.Diagnostics;

/// <summary>
/// The gateway's counters: published as OpenTelemetry/.NET meters (meter <c>Comet.Gateway</c>) and
/// read back by CometQL's <c>SHOW STATUS</c>. Node-local.
/// </summary>
public sealed class CometMetrics : IDisposable
{
    public const string MeterName = "Comet.Gateway";

    private readonly Meter _meter;
    private readonly Counter<long> _pipeMessages;
    private readonly Counter<long> _personalMessages;
    private readonly Counter<long> _queries;
    private readonly Counter<long> _droppedQueued;
    private long _pipeMessagesTotal;
    private long _personalMessagesTotal;
    private long _queriesTotal;
    private long _droppedQueuedTotal;
    private long _webSocketConnections;
    private long _cometQLConnections;

    public CometMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _pipeMessages = _meter.CreateCounter<long>("comet.pipe.messages", description: "Messages published to pipes by this node.");
        _personalMessages = _meter.CreateCounter<long>("comet.personal.messages", description: "Personal messages sent by this node.");
        _queries = _meter.CreateCounter<long>("comet.cometql.queries", description: "CometQL statements executed by this node.");
        _droppedQueued = _meter.CreateCounter<long>("comet.queue.dropped", description: "Queued personal messages dropped because a queue was full.");
        _meter.CreateObservableGauge("comet.websocket.connections", () => Volatile.Read(ref _webSocketConnections), description: "Open WebSocket connections on this node.");
        _meter.CreateObservableGauge("comet.cometql.connections", () => Volatile.Read(ref _cometQLConnections), description: "Open CometQL connections on this node.");
    }

    public long PipeMessages => Volatile.Read(ref _pipeMessagesTotal);
    public long PersonalMessages => Volatile.Read(ref _personalMessagesTotal);
    public long Queries => Volatile.Read(ref _queriesTotal);
    public long DroppedQueuedMessages => Volatile.Read(ref _droppedQueuedTotal);
    public long WebSocketConnections => Volatile.Read(ref _webSocketConnections);
    public long CometQLConnections => Volatile.Read(ref _cometQLConnections);

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

    public void QueryExecuted()
    {
        Interlocked.Increment(ref _queriesTotal);
        _queries.Add(1);
    }

    public void QueuedMessagesDropped(long count)
    {
        Interlocked.Add(ref _droppedQueuedTotal, count);
        _droppedQueued.Add(count);
    }

    public void WebSocketOpened() => Interlocked.Increment(ref _webSocketConnections);
    public void WebSocketClosed() => Interlocked.Decrement(ref _webSocketConnections);
    public void CometQLOpened() => Interlocked.Increment(ref _cometQLConnections);
    public void CometQLClosed() => Interlocked.Decrement(ref _cometQLConnections);

    public void Dispose() => _meter.Dispose();
}
