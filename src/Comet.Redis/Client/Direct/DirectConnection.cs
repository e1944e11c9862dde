using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Comet.Redis.Scripts;
using StackExchange.Redis;

namespace Comet.Redis.Client.Direct;

/// <summary>
/// One Redis connection of the engine's own, for scripts on the hot path. The caller's thread encodes
/// the command and, when nothing is in flight, writes it to the socket itself. Commands that arrive
/// while a batch is in flight wait for its last reply and then go together in one write (group commit:
/// one write, one read and one wake-up per batch instead of per command; a lone caller never waits).
/// Replies are read on the socket engine's thread and complete their callers there, inline: no
/// thread-pool hop either way, where the library makes three or four per command (docs/benchmarks.md,
/// issue 14).
/// </summary>
/// <remarks>
/// A reply completes its caller's continuation on the reading thread, so a caller must never block on
/// another Redis reply. Failures use the library's exception types with the command's status (never
/// written, or written and unanswered), so <see cref="RedisFailures"/> classifies both paths alike.
/// </remarks>
internal sealed class DirectConnection : IDisposable
{
    private const int ReceiveBufferSize = 16 * 1024;

    // Beyond this many unanswered commands Redis is not keeping up: callers take the library's path.
    private const int MaxOutstanding = 100_000;

    private readonly Socket _socket;
    private readonly long _timeoutTicks;
    private readonly Lock _lock = new();
    private readonly Queue<PendingReply> _awaiting = new();
    private readonly Timer _deadlines;
    private RespWriter _queued = new();
    private RespWriter? _spare = new();
    private long _numbered;
    private long _handedOver;
    private long _answered;
    private bool _writing;
    private volatile Exception? _failure;

    private DirectConnection(Socket socket, EndPoint endPoint, TimeSpan commandTimeout)
    {
        _socket = socket;
        EndPoint = endPoint;
        _timeoutTicks = (long)(commandTimeout.TotalSeconds * Stopwatch.Frequency);
        var period = TimeSpan.FromMilliseconds(Math.Clamp(commandTimeout.TotalMilliseconds / 4, 10, 250));
        _deadlines = new Timer(static state => ((DirectConnection)state!).CheckDeadlines(), this, period, period);
    }

    /// <summary>Raised once, when the connection failed or was closed.</summary>
    public event Action<DirectConnection, Exception>? Failed;

    public EndPoint EndPoint { get; }

    public bool IsFailed => _failure is not null;

    /// <summary>Commands sent and not answered yet.</summary>
    public int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _awaiting.Count;
            }
        }
    }

    /// <summary>Connects and starts reading; the caller sends the handshake (AUTH, SELECT, CLIENT SETNAME).</summary>
    public static async Task<DirectConnection> OpenAsync(EndPoint endPoint, TimeSpan commandTimeout, TimeSpan connectTimeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            // A peer that vanished without a word is noticed within ~8 s even while the connection idles.
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 5);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 1);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            using var deadline = new CancellationTokenSource(connectTimeout);
            await socket.ConnectAsync(endPoint, deadline.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var connection = new DirectConnection(socket, endPoint, commandTimeout);
        _ = connection.ReadRepliesAsync();
        return connection;
    }

    /// <summary>Runs a script by SHA1 (<paramref name="byText"/>: by its text, which also caches it in Redis).</summary>
    public Task<RespReply> EvalAsync(RedisScript script, bool byText, string[] keys, RedisArg[] args) =>
        Send(_timeoutTicks, (script, byText, keys, args), static (writer, eval) =>
        {
            writer.BeginCommand(3 + eval.keys.Length + eval.args.Length);
            if (eval.byText)
            {
                writer.Bulk("EVAL"u8);
                writer.Bulk(eval.script.Text);
            }
            else
            {
                writer.Bulk("EVALSHA"u8);
                writer.Bulk(eval.script.Sha1Hex.Span);
            }
            writer.Bulk(eval.keys.Length);
            foreach (var key in eval.keys)
            {
                writer.Bulk(key);
            }
            foreach (var arg in eval.args)
            {
                arg.WriteTo(writer);
            }
        });

    /// <summary>Runs one plain command; <paramref name="extraTime"/> lengthens its deadline (a WAIT's own timeout).</summary>
    public Task<RespReply> CommandAsync(RedisArg[] parts, TimeSpan extraTime = default) =>
        Send(_timeoutTicks + (long)(extraTime.TotalSeconds * Stopwatch.Frequency), parts, static (writer, command) =>
        {
            writer.BeginCommand(command.Length);
            foreach (var part in command)
            {
                part.WriteTo(writer);
            }
        });

    /// <summary>Closes the connection; commands still unanswered fail (their outcome unknown when they were written).</summary>
    public void Dispose() => Fail(new ObjectDisposedException(nameof(DirectConnection), "The connection was closed."));

    /// <summary>Encodes a command behind the ones queued (under the lock, so that commands keep their
    /// order on the wire and in the reply queue) and writes it now when nothing is in flight.</summary>
    private Task<RespReply> Send<TCommand>(long timeoutTicks, TCommand command, Action<RespWriter, TCommand> encode)
    {
        var pending = new PendingReply(timeoutTicks);
        lock (_lock)
        {
            if (Refusal() is { } refusal)
            {
                return Task.FromException<RespReply>(refusal);
            }
            encode(_queued, command);
            Enqueue(pending);
        }
        if (pending.StartsWrite)
        {
            _ = WriteAsync();
        }
        return pending.Task;
    }

    private RedisConnectionException? Refusal() =>
        _failure is { } failure ? NotSent(failure)
        : _awaiting.Count >= MaxOutstanding ? NotSent(new InvalidOperationException($"{MaxOutstanding} commands are waiting for replies."))
        : null;

    private void Enqueue(PendingReply pending)
    {
        pending.Number = ++_numbered;
        _awaiting.Enqueue(pending);
        if (!_writing && _handedOver == _answered)
        {
            _writing = true;
            pending.StartsWrite = true;
        }
    }

    /// <summary>Writes the queued batch (synchronously while the socket takes it at once); the next batch waits for its replies.</summary>
    private async Task WriteAsync()
    {
        try
        {
            while (true)
            {
                RespWriter batch;
                lock (_lock)
                {
                    // The next batch waits for the replies of the one in flight (group commit).
                    if (_queued.Length == 0 || _failure is not null || _handedOver != _answered)
                    {
                        _writing = false;
                        return;
                    }
                    batch = _queued;
                    _queued = _spare!;
                    _spare = null;
                    _handedOver = _numbered;
                }
                await _socket.SendAsync(batch.Written, SocketFlags.None).ConfigureAwait(false);
                batch.Reset();
                lock (_lock)
                {
                    _spare = batch;
                }
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private async Task ReadRepliesAsync()
    {
        var buffer = new byte[ReceiveBufferSize];
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    // Make room: move the unparsed tail to the front, or grow for a reply bigger than the buffer.
                    var unparsed = end - start;
                    var target = unparsed > buffer.Length / 2 ? new byte[buffer.Length * 2] : buffer;
                    buffer.AsSpan(start, unparsed).CopyTo(target);
                    buffer = target;
                    start = 0;
                    end = unparsed;
                }
                var received = await _socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    throw new IOException("Redis closed the connection.");
                }
                end += received;
                while (RespReplyParser.TryParse(buffer.AsSpan(start, end - start), out var reply, out var consumed))
                {
                    start += consumed;
                    Complete(reply);
                }
                WriteQueuedIfAnswered();
                if (start == end)
                {
                    start = end = 0;
                    if (buffer.Length > ReceiveBufferSize)
                    {
                        buffer = new byte[ReceiveBufferSize];
                    }
                }
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void Complete(RespReply reply)
    {
        PendingReply? pending;
        lock (_lock)
        {
            if (_awaiting.TryDequeue(out pending))
            {
                _answered++;
            }
        }
        if (pending is null)
        {
            throw new RespProtocolException("Redis sent a reply to no command.");
        }
        // Inline: the caller's continuation runs here, on the socket engine's thread.
        if (reply.Error is { } error)
        {
            pending.TrySetException(new RedisServerException(RedisErrorKind.Unknown, CommandFlags.None, error));
        }
        else
        {
            pending.TrySetResult(reply);
        }
    }

    /// <summary>Once the batch in flight is answered, sends what queued up meanwhile.</summary>
    private void WriteQueuedIfAnswered()
    {
        lock (_lock)
        {
            if (_writing || _queued.Length == 0 || _handedOver != _answered || _failure is not null)
            {
                return;
            }
            _writing = true;
        }
        _ = WriteAsync();
    }

    private void CheckDeadlines()
    {
        lock (_lock)
        {
            if (!_awaiting.TryPeek(out var oldest) || Stopwatch.GetTimestamp() < oldest.Deadline)
            {
                return;
            }
        }
        Fail(new TimeoutException("Redis did not answer within the command timeout."));
    }

    private void Fail(Exception reason)
    {
        PendingReply[] unanswered;
        long handedOver;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return;
            }
            _failure = reason;
            unanswered = [.. _awaiting];
            _awaiting.Clear();
            handedOver = _handedOver;
        }
        _deadlines.Dispose();
        _socket.Dispose();
        foreach (var pending in unanswered)
        {
            pending.TrySetException(pending.Number <= handedOver ? Unanswered(reason) : NotSent(reason));
        }
        Failed?.Invoke(this, reason);
    }

    private RedisConnectionException NotSent(Exception reason) =>
        new(ConnectionFailureType.SocketFailure, CommandFlags.None, $"Not sent to {EndPoint}: {reason.Message}", reason, CommandStatus.WaitingToBeSent);

    private Exception Unanswered(Exception reason) => reason is TimeoutException
        ? new RedisTimeoutException(CommandFlags.None, $"Timeout awaiting a reply from {EndPoint}", CommandStatus.Sent)
        : new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, $"The connection to {EndPoint} failed before the reply: {reason.Message}", reason, CommandStatus.Sent);

    /// <summary>A command waiting for its reply. Continuations run inline, on the thread that read the reply.</summary>
    private sealed class PendingReply(long timeoutTicks) : TaskCompletionSource<RespReply>(TaskCreationOptions.None)
    {
        public long Deadline { get; } = Stopwatch.GetTimestamp() + timeoutTicks;

        public long Number { get; set; }

        /// <summary>True for the command that found nothing in flight: its caller writes it.</summary>
        public bool StartsWrite { get; set; }
    }
}
