using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Comet.WebSockets.Transport;

/// <summary>
/// Keep-alives for every WebSocket of the node from one timer (rather than a timer per connection):
/// each <c>KeepAliveInterval</c> a connection that was silent that long gets a ping, and with a
/// <c>KeepAliveTimeout</c> one that stayed silent for the interval plus the timeout (a dead peer,
/// a half-open TCP connection) is dropped, so it leaves presence.
/// </summary>
internal sealed class KeepAliveSweeper(IOptions<CometWebSocketOptions> options) : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly HashSet<CometWebSocket> _sockets = [];
    private readonly TimeSpan _interval = options.Value.KeepAliveInterval;
    private readonly TimeSpan _timeout = options.Value.KeepAliveTimeout;

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
        if (_interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(_interval);
        var snapshot = new List<CometWebSocket>();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                lock (_lock)
                {
                    snapshot.AddRange(_sockets);
                }
                Sweep(snapshot, Environment.TickCount64);
                snapshot.Clear();
            }
        }
        catch (OperationCanceledException)
        {
            // The host is stopping.
        }
    }

    private void Sweep(List<CometWebSocket> sockets, long now)
    {
        var interval = (long)_interval.TotalMilliseconds;
        var deadline = interval + (long)_timeout.TotalMilliseconds;
        foreach (var socket in sockets)
        {
            var silent = now - socket.LastReceived;
            if (_timeout > TimeSpan.Zero && silent > deadline)
            {
                socket.Abort();
            }
            else if (silent >= interval)
            {
                // Without a timeout an unsolicited pong keeps load balancers open and asks for nothing.
                socket.RequestKeepAlive(pong: _timeout <= TimeSpan.Zero);
            }
        }
    }
}
