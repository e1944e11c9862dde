using System.Threading.Channels;
using Comet.Core.Engine;

namespace Comet.Core.Hub;

/// <summary>
/// One local client connection as the hub sees it: who it is, what it is subscribed to, and its
/// bounded outbound queue. The transport drains <see cref="Outbound"/> and writes to the socket; the
/// hub and the engine only ever enqueue, so they never wait for a slow client.
/// </summary>
/// <remarks>
/// A connection starts <em>gated</em>: live messages are held back while the transport sends the
/// greeting and the user's offline queue, then <see cref="OpenGate"/> releases them in order. That is
/// what keeps personal messages in order across a reconnect.
/// </remarks>
public sealed class HubConnection : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Channel<OutboundMessage> _queue;
    private readonly int _capacity;
    private readonly CancellationTokenSource _closing = new();
    private List<OutboundMessage>? _held = [];
    private CloseRequest? _closeRequest;
    private bool _completed;

    /// <param name="info">The connection as the engine knows it.</param>
    /// <param name="compat">True for clients below v4 (CppComet's compat encoding).</param>
    /// <param name="queueCapacity">The most messages that may wait for this client; one more closes it.</param>
    public HubConnection(ClientRecord info, bool compat, int queueCapacity)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        Info = info;
        Compat = compat;
        _capacity = queueCapacity;
        _queue = Channel.CreateBounded<OutboundMessage>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ClientRecord Info { get; }

    public string Id => Info.ConnectionId;

    public bool Compat { get; }

    /// <summary>The pipes this connection is subscribed to (replaced as a whole by the hub).</summary>
    public IReadOnlySet<string> Pipes { get; internal set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>What the transport sends, in order. Completes when the connection is closed.</summary>
    public ChannelReader<OutboundMessage> Outbound => _queue.Reader;

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

    /// <summary>Called once when the queue overflowed (the hub counts slow consumers).</summary>
    internal Action<HubConnection>? Overflowed { get; set; }

    /// <summary>
    /// The transport's writer: called, outside the connection's lock and on the enqueuing thread, after
    /// messages reached <see cref="Outbound"/> and after a close was requested. The transport writes
    /// from that thread when it is idle, so a delivery costs no thread-pool hop.
    /// </summary>
    public Action? OutboundReady { get; set; }

    /// <summary>
    /// Queues a message for the client without waiting. While gated it is held back. A full queue
    /// closes the connection (a slow consumer must not hold memory or the engine).
    /// </summary>
    /// <returns>True when the message will be sent.</returns>
    public bool TryEnqueue(OutboundMessage message) => TryEnqueue(message, signal: true);

    /// <summary>Wakes the transport's writer (after <see cref="TryEnqueue(OutboundMessage, bool)"/> without a signal).</summary>
    internal void SignalOutbound() => OutboundReady?.Invoke();

    /// <summary>Queues a message; without <paramref name="signal"/> the caller wakes the writer later
    /// (<see cref="SignalOutbound"/>), so a big fan-out can spread the writing over threads.</summary>
    internal bool TryEnqueue(OutboundMessage message, bool signal)
    {
        bool queued;
        lock (_lock)
        {
            if (_closeRequest is not null || _completed)
            {
                return false;
            }
            if (_held is not null && _held.Count < _capacity)
            {
                _held.Add(message);
                return true;
            }
            queued = _held is null && _queue.Writer.TryWrite(message);
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
        Overflowed?.Invoke(this);
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
            Overflowed?.Invoke(this);
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

    /// <summary>Releases the close signal; call after the connection left the hub.</summary>
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
