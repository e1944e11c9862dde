using System.Threading.Channels;
using Comet.Core.Engine;
using Comet.Node;

namespace Comet.WebSockets.Delivery;

/// <summary>
/// One WebSocket client's bounded send queue: the node's messages and the connection's own answers, in
/// order. The socket's writer drains it (<see cref="TryTake"/>); the node only ever enqueues, so it never
/// waits for a slow client. The queue is bounded in messages and in bytes; a client that overflows it
/// is cut at once (<see cref="CloseRequest.SlowConsumer"/>): a reader that stopped reading cannot take
/// a close handshake, and what it holds must be released now, not after a timeout.
/// </summary>
/// <remarks>
/// A connection starts <em>gated</em>: live messages are held back while the transport sends the
/// greeting and the user's offline queue, then <see cref="OpenGate"/> releases them in order. That is
/// what keeps personal messages in order across a reconnect.
/// </remarks>
internal sealed class WebSocketOutbox : IClientOutbox, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Channel<OutboundMessage> _queue;
    private readonly int _capacity;
    private readonly long _maxBytes;
    private readonly CancellationTokenSource _closing = new();
    private readonly Action<WebSocketOutbox>? _overflowed;
    private List<OutboundMessage>? _held = [];
    private CloseRequest? _closeRequest;
    private bool _completed;
    private long _queuedBytes;
    private long _personalSentBefore;

    /// <param name="record">The client as the cluster knows it (logs name it).</param>
    /// <param name="encoding">How the client wants node messages written.</param>
    /// <param name="queueCapacity">The most messages that may wait for this client; one more closes it.</param>
    /// <param name="queueBytes">The most bytes of messages that may wait for this client; a message
    /// that would pass it closes it (a single message alone always fits).</param>
    /// <param name="overflowed">Called once when the queue overflowed (slow consumers are counted).</param>
    public WebSocketOutbox(ClientRecord record, MessageEncoding encoding, int queueCapacity, long queueBytes, Action<WebSocketOutbox>? overflowed = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueBytes, 1);
        Record = record;
        Encoding = encoding;
        _capacity = queueCapacity;
        _maxBytes = queueBytes;
        _overflowed = overflowed;
        _queue = Channel.CreateBounded<OutboundMessage>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ClientRecord Record { get; }

    public MessageEncoding Encoding { get; }

    /// <summary>A client below v4: answers and events use CppComet's compat encoding too.</summary>
    public bool Compat => Encoding == MessageEncoding.Compat;

    /// <summary>Takes the next message to send, in order; false when none is waiting.</summary>
    public bool TryTake([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out OutboundMessage message)
    {
        if (!_queue.Reader.TryRead(out message))
        {
            return false;
        }
        Interlocked.Add(ref _queuedBytes, -message.GetBytes(Encoding).Length);
        return true;
    }

    /// <summary>Set once something asked the server to close this connection.</summary>
    public CloseRequest? CloseRequested
    {
        get
        {
            lock (_lock)
            {
                return _closeRequest;
            }
        }
    }

    /// <summary>Cancelled when a close is requested (the transport bounds the close handshake with it).</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Messages waiting to be written.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Bytes of the messages waiting to be written (held back ones included).</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>
    /// The socket's writer: called, outside the queue's lock and on the enqueuing thread, after
    /// messages were queued (<see cref="TryTake"/> finds them) and after a close was requested. The transport writes
    /// from that thread when it is idle, so a delivery costs no thread-pool hop.
    /// </summary>
    public Action? OutboundReady { get; set; }

    /// <summary>
    /// Queues an answer for this client without waiting. While gated it is held back. A full queue
    /// closes the connection (a slow consumer must not hold memory or the node).
    /// </summary>
    /// <returns>True when the message will be sent.</returns>
    public bool TryEnqueue(OutboundMessage message) => TryEnqueue(message, signal: true);

    /// <inheritdoc />
    public bool TryEnqueue(SharedMessage message, bool signal) => TryEnqueue(OutboundMessage.For(message), signal);

    /// <inheritdoc />
    public void Signal() => OutboundReady?.Invoke();

    /// <inheritdoc />
    public void Close(CloseReason reason) => RequestClose(CloseRequest.For(reason));

    /// <summary>Personal messages up to this seq were sent before the connection registered (ConnectResult.ResumedAfter):
    /// those the node hands it live are dropped, held ones included. Set before <see cref="OpenGate"/>.</summary>
    public void DropPersonalUpTo(long seq) => Volatile.Write(ref _personalSentBefore, seq);

    private bool IsSentBefore(OutboundMessage message) => message.Seq > 0 && message.Seq <= Volatile.Read(ref _personalSentBefore);

    private bool TryEnqueue(OutboundMessage message, bool signal)
    {
        if (IsSentBefore(message))
        {
            // Not for this connection; for the node it counts as handed on, as to the user's other connections.
            return true;
        }
        // Encoded here, once per message and mode, so that the queue is counted in the bytes it will send.
        var size = message.GetBytes(Encoding).Length;
        bool queued;
        lock (_lock)
        {
            if (_closeRequest is not null || _completed)
            {
                return false;
            }
            var queuedBytes = Interlocked.Read(ref _queuedBytes);
            var fits = queuedBytes == 0 || queuedBytes + size <= _maxBytes;
            if (fits && _held is not null && _held.Count < _capacity)
            {
                _held.Add(message);
                Interlocked.Add(ref _queuedBytes, size);
                return true;
            }
            queued = false;
            if (fits && _held is null)
            {
                // Counted before the writer can take it, so that the count never goes below what waits.
                Interlocked.Add(ref _queuedBytes, size);
                queued = _queue.Writer.TryWrite(message);
                if (!queued)
                {
                    Interlocked.Add(ref _queuedBytes, -size);
                }
            }
            if (!queued)
            {
                CloseLocked(CloseRequest.SlowConsumer);
            }
        }
        if (queued)
        {
            if (signal)
            {
                OutboundReady?.Invoke();
            }
            return true;
        }
        CancelClosing();
        _overflowed?.Invoke(this);
        OutboundReady?.Invoke();
        return false;
    }

    /// <summary>Releases the live messages held since the connection registered, in order.</summary>
    public void OpenGate()
    {
        var overflow = false;
        lock (_lock)
        {
            if (_held is null)
            {
                return;
            }
            foreach (var message in _held)
            {
                if (IsSentBefore(message))
                {
                    Interlocked.Add(ref _queuedBytes, -message.GetBytes(Encoding).Length);
                    continue;
                }
                if (!_queue.Writer.TryWrite(message))
                {
                    overflow = true;
                    break;
                }
            }
            _held = null;
            if (overflow)
            {
                CloseLocked(CloseRequest.SlowConsumer);
            }
        }
        if (overflow)
        {
            CancelClosing();
            _overflowed?.Invoke(this);
        }
        OutboundReady?.Invoke();
    }

    /// <summary>Asks the transport to close the connection; the first request wins. Pending messages are dropped.</summary>
    public void RequestClose(CloseRequest request)
    {
        lock (_lock)
        {
            CloseLocked(request);
        }
        CancelClosing();
        OutboundReady?.Invoke();
    }

    /// <summary>Ends the outbound stream without a close request (the client went away): what is
    /// queued is still written, nothing more is accepted.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            _held = null;
            _queue.Writer.TryComplete();
        }
    }

    /// <summary>Releases the close signal; call after the client left the node.</summary>
    public void Dispose() => _closing.Dispose();

    private void CancelClosing()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Nothing waits for it any more.
        }
    }

    private void CloseLocked(CloseRequest request)
    {
        if (_closeRequest is not null)
        {
            return;
        }
        _closeRequest = request;
        _held = null;
        _queue.Writer.TryComplete();
    }
}
