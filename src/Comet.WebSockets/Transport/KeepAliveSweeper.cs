using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Transport;

/// <summary>
/// Keep-alives for every WebSocket of the node from one timer (rather than a timer per connection).
/// A connection silent for <c>KeepAliveInterval</c> gets a ping, and so does one the server keeps
/// writing to while it stays silent for <c>KeepAliveBusyInterval</c>: a peer that vanished while
/// messages flow to it is found in seconds, before they pile up in a dead socket. With a
/// <c>KeepAliveTimeout</c>, a ping left unanswered that long drops the connection (a dead peer, a
/// half-open TCP connection, a proxy that stopped forwarding), so it leaves presence.
/// </summary>
internal sealed class KeepAliveSweeper(IOptions<CometWebSocketOptions> options) : BackgroundService
{
    /// <summary>The sweep's period at most: deadlines are kept to about this.</summary>
    private static readonly TimeSpan MaxTick = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly HashSet<CometWebSocket> _sockets = [];
    private readonly long _interval = (long)options.Value.KeepAliveInterval.TotalMilliseconds;
    private readonly long _busyInterval = (long)options.Value.KeepAliveBusyInterval.TotalMilliseconds;
    private readonly long _timeout = (long)options.Value.KeepAliveTimeout.TotalMilliseconds;

    public void Add(CometWebSocket socket)
    {
        lock (_lock)
        {
            _sockets.Add(socket);
        }
    }

    public void Remove(CometWebSocket socket)
    {
        lock (_lock)
        {
            _sockets.Remove(socket);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_interval <= 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Min(_interval, MaxTick.TotalMilliseconds)));
        var snapshot = new List<CometWebSocket>();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                lock (_lock)
                {
                    snapshot.AddRange(_sockets);
                }
                foreach (var socket in snapshot)
                {
                    Sweep(socket, Environment.TickCount64);
                }
                snapshot.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
        }
    }

    private void Sweep(CometWebSocket socket, long now)
    {
        var received = socket.LastReceived;
        if (_timeout <= 0)
        {
            // Without a timeout an unsolicited pong keeps load balancers open and asks for nothing.
            if (now - received >= _interval && now - socket.PingSentAt >= _interval)
            {
                socket.RequestKeepAlive(pong: true);
                socket.PingSentAt = now;
            }
            return;
        }
        if (socket.PingSentAt > received)
        {
            // A ping is out and nothing arrived since it left.
            if (now - socket.PingSentAt > _timeout)
            {
                socket.Abort();
            }
            return;
        }
        var silent = now - received;
        var busy = _busyInterval > 0 && socket.LastSent > received && silent >= _busyInterval;
        if (silent >= _interval || busy)
        {
            socket.RequestKeepAlive(pong: false);
            socket.PingSentAt = now;
        }
    }
}
