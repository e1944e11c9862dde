using System.IO.Pipelines;
using Comet.WebSockets.Delivery;
using Microsoft.AspNetCore.Connections;

namespace Comet.WebSockets.Transport;

internal sealed partial class CometWebSocket
{
    private const int Idle = 0;
    private const int Writing = 1;

    private WebSocketOutbox? _outbox;
    private int _writer;
    private byte[]? _pendingPong;
    private int _keepAlive;
    private volatile bool _stopRequested;
    private TaskCompletionSource? _stopped;
    private Task<bool>? _stop;
    private bool _closeSent;
    private volatile bool _broken;

    /// <summary>Writes the first frames (serverInfo, the offline queue) before any other writer runs;
    /// false when the connection turned out to be gone.</summary>
    public async ValueTask<bool> SendFirstAsync(IReadOnlyList<byte[]> messages)
    {
        foreach (var message in messages)
        {
            WebSocketFrames.Write(_output, WebSocketFrames.Text, message);
        }
        return await FlushAsync() && !IsGone;
    }

    /// <summary>From now on the client's send queue is written by <see cref="Signal"/>. A close asked
    /// for while the greeting was written (a token revoked, the user deleted) signalled no one: the
    /// first signal here writes it.</summary>
    public void Attach(WebSocketOutbox outbox)
    {
        _outbox = outbox;
        outbox.OutboundReady = Signal;
        Signal();
    }

    /// <summary>Asks for a ping (or, with <paramref name="pong"/>, an unsolicited pong) to keep the
    /// connection open through load balancers.</summary>
    public void RequestKeepAlive(bool pong)
    {
        Volatile.Write(ref _keepAlive, pong ? WebSocketFrames.Pong : WebSocketFrames.Ping);
        Signal();
    }

    /// <summary>
    /// Something is waiting to be written. If no other thread is writing, this one writes it now, up
    /// to the first flush that cannot complete at once (a slow client); the rest continues when the
    /// transport drained. The delivering thread does the work, so a delivery costs no thread hop, and
    /// messages that queued while a write was in flight leave together in one send.
    /// </summary>
    public void Signal()
    {
        if (Interlocked.CompareExchange(ref _writer, Writing, Idle) == Idle)
        {
            _ = WriteAsync();
        }
    }

    /// <summary>Stops the writer (waits for a write in flight), writes what is still queued unless a
    /// close was requested, then the close frame. Bounded by <paramref name="timeout"/>, then the
    /// connection is dropped.</summary>
    public async Task CloseOutputAsync(int code, string reason, TimeSpan timeout)
    {
        if (!await StopWriterAsync(timeout) || _closeSent || _broken)
        {
            return;
        }
        if (_outbox is { CloseRequested: null } outbox)
        {
            while (outbox.TryTake(out var message))
            {
                WriteMessage(outbox, message);
            }
        }
        _closeSent = true;
        WebSocketFrames.WriteClose(_output, code, reason);
        var flush = FlushAsync().AsTask();
        if (await Task.WhenAny(flush, Task.Delay(timeout)) != flush)
        {
            Abort();
        }
    }

    /// <summary>Ends the writer for good (the connection is finishing); false when it had to be dropped.
    /// Called again, it returns the first call's outcome.</summary>
    public Task<bool> StopWriterAsync(TimeSpan timeout) => _stop ??= StopWriterOnceAsync(timeout);

    private async Task<bool> StopWriterOnceAsync(TimeSpan timeout)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _stopped, stopped);
        _stopRequested = true;
        if (Interlocked.CompareExchange(ref _writer, Writing, Idle) == Idle)
        {
            return true;
        }
        if (_broken)
        {
            return false;
        }
        // A write is in flight: it hands over when its flush completed.
        if (await Task.WhenAny(stopped.Task, Task.Delay(timeout)) == stopped.Task)
        {
            return !_broken;
        }
        Abort();
        return false;
    }

    private async Task WriteAsync()
    {
        try
        {
            while (true)
            {
                if (_stopRequested)
                {
                    Volatile.Read(ref _stopped)!.TrySetResult();
                    return;
                }
                if (WritePending())
                {
                    if (!await FlushAsync())
                    {
                        _broken = true;
                        Volatile.Read(ref _stopped)?.TrySetResult();
                        return;
                    }
                    continue;
                }
                // Nothing left: go idle, then look again, since a producer (or StopWriterAsync) that
                // signalled while this thread was writing saw it busy and left the work to it.
                Interlocked.Exchange(ref _writer, Idle);
                if (!(_stopRequested || HasPending()) || Interlocked.CompareExchange(ref _writer, Writing, Idle) != Idle)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ConnectionAbortedException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            _broken = true;
            Abort();
            Volatile.Read(ref _stopped)?.TrySetResult();
        }
    }

    /// <summary>Writes control frames, then queued messages up to the batch size; false when there was nothing.</summary>
    private bool WritePending()
    {
        var wrote = false;
        if (Interlocked.Exchange(ref _pendingPong, null) is { } pong)
        {
            WebSocketFrames.Write(_output, WebSocketFrames.Pong, pong);
            wrote = true;
        }
        if (Interlocked.Exchange(ref _keepAlive, 0) is var keepAlive and not 0)
        {
            WebSocketFrames.Write(_output, (byte)keepAlive, []);
            wrote = true;
        }
        if (_outbox is not { } outbox || _closeSent)
        {
            return wrote;
        }
        if (outbox.CloseRequested is { } request)
        {
            // The queue was dropped with the request; say why and wait for the client's answer.
            _closeSent = true;
            WebSocketFrames.WriteClose(_output, request.Code, request.Reason);
            return true;
        }
        var written = 0;
        while (written < _maxBatchBytes && outbox.TryTake(out var message))
        {
            written += WriteMessage(outbox, message);
        }
        if (written > 0)
        {
            Volatile.Write(ref _lastSent, Environment.TickCount64);
        }
        return wrote || written > 0;
    }

    private int WriteMessage(WebSocketOutbox outbox, OutboundMessage message)
    {
        var bytes = message.GetBytes(outbox.Encoding).Span;
        WebSocketFrames.Write(_output, WebSocketFrames.Text, bytes);
        _metrics.MessageWritten(message.ReceivedTimestamp);
        return bytes.Length + 2;
    }

    private bool HasPending() =>
        Volatile.Read(ref _pendingPong) is not null
        || Volatile.Read(ref _keepAlive) != 0
        || _outbox is { } outbox && !_closeSent && (outbox.Queued > 0 || outbox.CloseRequested is not null);

    private async ValueTask<bool> FlushAsync()
    {
        var result = await _output.FlushAsync();
        return !result.IsCompleted && !result.IsCanceled;
    }

    /// <summary>A close was requested: drops the connection now when the request says so (a slow
    /// consumer), or after the close timeout unless the handshake finished first.</summary>
    public void OnCloseRequested()
    {
        if (_outbox?.CloseRequested is { AtOnce: true })
        {
            Abort();
        }
        else
        {
            _ = AbortLaterAsync();
        }
    }

    private async Task AbortLaterAsync()
    {
        await Task.Delay(_closeTimeout);
        Abort();
    }
}
