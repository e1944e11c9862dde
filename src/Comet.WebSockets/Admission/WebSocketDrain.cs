using Comet.Node;

namespace Comet.WebSockets.Admission;

/// <summary>
/// The WebSocket side of a graceful stop: refuse new connections (HTTP 503 before the upgrade), then
/// close the open ones with 1012 (service restart) spread evenly over a window, so that clients
/// reconnect to other nodes without a stampede. Each closed connection leaves presence the usual way.
/// </summary>
public sealed class WebSocketDrain
{
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly CometNode _node;
    private readonly WebSocketAdmission _admission;
    private readonly TimeProvider _time;

    internal WebSocketDrain(CometNode node, WebSocketAdmission admission, TimeProvider time)
    {
        _node = node;
        _admission = admission;
        _time = time;
    }

    /// <summary>True once <see cref="RefuseNewConnections"/> was called.</summary>
    public bool IsDraining => _admission.IsDraining;

    /// <summary>WebSocket connections still served, including those still leaving presence.</summary>
    public int OpenConnections => _admission.OpenConnections;

    /// <summary>From now on every upgrade request gets 503 with Retry-After.</summary>
    public void RefuseNewConnections() => _admission.StopAdmitting();

    /// <summary>Closes the open connections with 1012, the i-th of n at <c>window × i / n</c>; when
    /// <paramref name="cancellationToken"/> fires the rest are closed at once (and it throws).</summary>
    public async Task CloseSpreadAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var clients = _node.Clients();
        var started = _time.GetTimestamp();
        try
        {
            for (var i = 0; i < clients.Count; i++)
            {
                // Measured from the start, so a late wake-up closes the overdue ones together and catches up.
                var wait = (window * i / clients.Count) - _time.GetElapsedTime(started);
                if (wait >= ShortestWait)
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }
                clients[i].Outbox.Close(CloseReason.ServiceRestart);
            }
        }
        finally
        {
            // Also the ones that registered after the snapshot (their upgrade was already admitted).
            CloseAll();
        }
    }

    /// <summary>Closes every open connection with 1012 now.</summary>
    public void CloseAll() => _node.CloseAll(CloseReason.ServiceRestart);

    /// <summary>Waits until every connection finished, presence cleanup included.</summary>
    public async Task WaitUntilClosedAsync(CancellationToken cancellationToken)
    {
        while (OpenConnections > 0)
        {
            await Task.Delay(PollInterval, _time, cancellationToken);
        }
    }
}
