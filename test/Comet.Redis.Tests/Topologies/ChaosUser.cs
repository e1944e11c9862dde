using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Redis.Tests.Topologies;

/// <summary>
/// A user with one WebSocket connection subscribed to a pipe, as the application sees it: it records
/// every personal and pipe message number it receives, and connects again (to a live gateway) only
/// when its connection dies.
/// </summary>
internal sealed class ChaosUser(long id, string pipe, Func<GatewayProcess> pickLiveNode)
{
    private readonly List<long> _personal = [];
    private readonly List<long> _pipe = [];
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;

    public long Id => id;
    public string Hash => "chaos" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The gateway the user is connected to now.</summary>
    public GatewayProcess? Node { get; private set; }

    /// <summary>How many times the connection died and the user connected again.</summary>
    public int Reconnects { get; private set; }

    /// <summary>The last personal message number received before each reconnect.</summary>
    public List<long> LastBeforeReconnect { get; } = [];

    public List<long> Personal => Copy(_personal);
    public List<long> PipeMessages => Copy(_pipe);

    /// <summary>Connects to <paramref name="first"/> and keeps the user connected until <paramref name="stop"/>.</summary>
    public Task StartAsync(GatewayProcess first, CancellationToken stop)
    {
        _run = Task.Run(() => RunAsync(first, stop), CancellationToken.None);
        return _connected.Task;
    }

    /// <summary>Waits until the user stopped (after the stop token fired).</summary>
    public Task StoppedAsync() => _run;

    private async Task RunAsync(GatewayProcess first, CancellationToken stop)
    {
        var node = first;
        while (!stop.IsCancellationRequested)
        {
            CometWebSocketClient client;
            try
            {
                client = await CometWebSocketClient.ConnectAsync(node, id, Hash);
                await client.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo");
                await client.SendAsync("subscription\n" + pipe);
            }
            catch (Exception e) when (e is WebSocketException or InvalidOperationException or TimeoutException or OperationCanceledException)
            {
                await Task.Delay(200, CancellationToken.None);
                node = pickLiveNode();
                continue;
            }
            Node = node;
            _connected.TrySetResult();
            await ReadUntilClosedAsync(client, stop);
            await client.DisposeAsync();
            if (!stop.IsCancellationRequested)
            {
                Reconnects++;
                LastBeforeReconnect.Add(Personal.LastOrDefault());
                node = pickLiveNode();
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
                message = await client.ReceiveAsync(TimeSpan.FromMilliseconds(500));
            }
            catch (OperationCanceledException)
            {
                continue;
            }
            catch (Exception e) when (e is InvalidOperationException or WebSocketException)
            {
                return; // the connection died
            }
            var data = message.TryGetProperty("data", out var d) ? d.ToString() : "";
            if (!long.TryParse(data, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }
            if (CometWebSocketClient.IsPipe(message, "msg"))
            {
                Add(_personal, number);
            }
            else if (CometWebSocketClient.IsPipe(message, pipe))
            {
                Add(_pipe, number);
            }
        }
    }

    private static void Add(List<long> list, long number)
    {
        lock (list)
        {
            list.Add(number);
        }
    }

    private static List<long> Copy(List<long> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}
