using System.IO.Pipelines;
using Comet.Core.Diagnostics;

namespace Comet.WebSockets.Transport;

/// <summary>
/// One server-side WebSocket over a connection's byte pipes: client frames are parsed in place
/// (<see cref="ReceiveAsync"/>), server frames are written straight into the output pipe by whichever
/// thread has something to send (<see cref="Signal"/>). It replaces <c>ManagedWebSocket</c>, whose
/// per-send locking, buffers and timers cost more than the messages here.
/// </summary>
internal sealed partial class CometWebSocket
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Action _abort;
    private readonly CometMetrics _metrics;
    private readonly int _maxBatchBytes;
    private readonly TimeSpan _closeTimeout;
    private readonly ClientFrameParser _parser;
    private long _lastReceived = Environment.TickCount64;
    private long _lastSent;
    private int _aborted;

    /// <param name="transport">The connection's bytes after the handshake.</param>
    /// <param name="abort">Drops the connection at once.</param>
    /// <param name="settings">The node's limits.</param>
    /// <param name="closed">Fires when the connection is gone.</param>
    public CometWebSocket(IDuplexPipe transport, Action abort, WebSocketTransportSettings settings, CancellationToken closed)
    {
        _input = transport.Input;
        _output = transport.Output;
        Closed = closed;
        _abort = abort;
        _metrics = settings.Metrics;
        _maxBatchBytes = settings.MaxBatchBytes;
        _closeTimeout = settings.CloseTimeout;
        _parser = new ClientFrameParser(settings.MaxMessageSize);
    }

    /// <summary>Fires when the connection is gone.</summary>
    public CancellationToken Closed { get; }

    /// <summary>True once the connection was dropped or the peer went away.</summary>
    public bool IsGone => Volatile.Read(ref _aborted) != 0 || Closed.IsCancellationRequested;

    /// <summary>Milliseconds (<see cref="Environment.TickCount64"/>) when bytes last arrived.</summary>
    public long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>Milliseconds (<see cref="Environment.TickCount64"/>) when messages were last written (0: never).</summary>
    public long LastSent => Volatile.Read(ref _lastSent);

    /// <summary>When the keep-alive sweep sent the ping it waits an answer for (0: none); only the sweep uses it.</summary>
    public long PingSentAt { get; set; }

    /// <summary>Drops the connection without a close handshake (nothing once it finished).</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            _abort();
        }
    }

    /// <summary>The connection's handler is done with it: later timers and keep-alives leave it alone.</summary>
    public void Finish()
    {
        Interlocked.Exchange(ref _aborted, 1);
        _parser.Release();
        // Hands the pipes back (the transport then sends what is left and closes the socket).
        _input.Complete();
        _output.Complete();
    }
}

/// <summary>What every <see cref="CometWebSocket"/> of a node shares.</summary>
internal sealed record WebSocketTransportSettings(int MaxMessageSize, int MaxBatchBytes, TimeSpan CloseTimeout, CometMetrics Metrics);
