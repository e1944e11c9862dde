using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;

namespace Comet.Testing.Clients;

/// <summary>
/// A browser tab as the JS client behaves: connects over ws/wss as one user, collects the personal
/// messages of one event, and reconnects (same uuid) whenever its connection ends, until stopped.
/// </summary>
public sealed class ReconnectingBrowser(Uri baseUri, long userId, string hash, string @event, Action<ClientWebSocketOptions>? configure = null)
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, bool> _received = new();
    private readonly string _uuid = CometWebSocketClient.NewUuid();
    private volatile bool _isConnected;
    private int _connections;

    public long UserId { get; } = userId;

    /// <summary>The data of every message received, once each.</summary>
    public IReadOnlySet<string> Received => _received.Keys.ToHashSet();

    /// <summary>Completes at the first connection.</summary>
    public Task Connected => _connected.Task;

    public int Reconnects => Math.Max(0, Volatile.Read(ref _connections) - 1);
    public bool IsConnected => _isConnected;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            CometWebSocketClient client;
            try
            {
                client = await CometWebSocketClient.ConnectAsync(baseUri, CometWebSocketClient.Path(hash, UserId, uuid: _uuid), configure);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or HttpRequestException)
            {
                await Task.Delay(200, CancellationToken.None);
                continue;
            }
            await using (client)
            {
                Interlocked.Increment(ref _connections);
                _isConnected = true;
                _connected.TrySetResult();
                await ReadUntilClosedAsync(client, stop);
                _isConnected = false;
            }
        }
    }

    private async Task ReadUntilClosedAsync(CometWebSocketClient client, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            JsonElement message;
            try
            {
                message = await client.ReceiveAsync(TimeSpan.FromSeconds(1));
            }
            catch (OperationCanceledException)
            {
                continue;
            }
            catch (Exception e) when (e is InvalidOperationException or WebSocketException)
            {
                return;
            }
            if (CometWebSocketClient.IsPipe(message, "msg") && message.GetProperty("event").GetString() == @event)
            {
                _received.TryAdd(message.GetProperty("data").GetString()!, true);
            }
        }
    }
}
