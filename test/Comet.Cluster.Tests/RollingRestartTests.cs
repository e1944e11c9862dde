using System.Collections.Concurrent;
using System.Text.Json;
using Comet.Testing.Clients;
using MySql.Data.MySqlClient;

namespace Comet.Cluster.Tests;

/// <summary>
/// <c>scripts/cluster.sh restart-rolling</c> under traffic: every gateway gets SIGTERM in turn, drains,
/// restarts and is routed again before the next. Browsers on wss reconnect (as the JS client does) and a
/// backend keeps sending personal messages over CometQL; no confirmed message may be lost.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class RollingRestartTests(LocalCluster cluster)
{
    private const int Users = 6;
    private const long FirstUser = 8001;

    [Fact]
    public async Task Rolling_restart_under_traffic_loses_no_personal_message_and_every_client_reconnects()
    {
        await using (var setup = await CometQLBackend.OpenAsync(cluster.ConnectionString))
        {
            for (var u = 0; u < Users; u++)
            {
                await setup.ExecuteAsync($"INSERT INTO users_auth (id, hash) VALUES ({FirstUser + u}, 'h{FirstUser + u}')");
            }
        }
        using var stop = new CancellationTokenSource();
        var browsers = Enumerable.Range(0, Users).Select(u => new ReconnectingBrowser(cluster, FirstUser + u)).ToList();
        var running = browsers.Select(b => b.RunAsync(stop.Token)).ToList();
        foreach (var browser in browsers)
        {
            await browser.Connected.WaitAsync(TimeSpan.FromSeconds(60));
        }

        var sent = new ConcurrentBag<(long User, string Text)>();
        using var stopSending = new CancellationTokenSource();
        var sender = SendUntilStoppedAsync(sent, stopSending.Token);

        var restart = await cluster.RunAsync(["restart-rolling"], TimeSpan.FromMinutes(10));
        Assert.True(restart.ExitCode == 0, "restart-rolling failed: " + restart + cluster.Logs());
        await Task.Delay(1000);
        await stopSending.CancelAsync();
        var rounds = await sender;
        Assert.True(rounds > 3, $"only {rounds} rounds of messages were sent during the restart");

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var browser in browsers)
        {
            var expected = sent.Where(s => s.User == browser.UserId).Select(s => s.Text).ToHashSet();
            while (!expected.IsSubsetOf(browser.Received) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            var lost = expected.Except(browser.Received).Order().ToList();
            Assert.True(lost.Count == 0,
                $"user {browser.UserId} never received {lost.Count} of {expected.Count} messages: {string.Join(", ", lost.Take(20))}" + cluster.Logs());
            // Every node restarted, so every browser lost its node once and came back.
            Assert.True(browser.Reconnects >= 1, $"user {browser.UserId} never reconnected");
            Assert.True(browser.IsConnected, $"user {browser.UserId} is not connected at the end");
        }
        await stop.CancelAsync();
        await Task.WhenAll(running);
    }

    /// <summary>Sends one personal message to every user per round; a failed send is retried on a new connection.</summary>
    private async Task<int> SendUntilStoppedAsync(ConcurrentBag<(long User, string Text)> sent, CancellationToken stop)
    {
        MySqlConnection? connection = null;
        var round = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                round++;
                for (var u = 0; u < Users; u++)
                {
                    var user = FirstUser + u;
                    var text = $"r{round}u{user}";
                    while (true)
                    {
                        try
                        {
                            connection ??= await CometQLBackend.OpenConnectionAsync(cluster.ConnectionString);
                            await using var command = new MySqlCommand($"INSERT INTO users_messages (id, event, message) VALUES ({user}, 'seq', '{text}')", connection);
                            await command.ExecuteNonQueryAsync(CancellationToken.None);
                            sent.Add((user, text));
                            break;
                        }
                        catch (Exception e) when (e is MySqlException or InvalidOperationException or IOException)
                        {
                            // The node behind this connection went away: reconnect through HAProxy and
                            // send again (a duplicate is harmless, a loss is not).
                            if (connection is not null)
                            {
                                await connection.DisposeAsync();
                                connection = null;
                            }
                            await Task.Delay(100, CancellationToken.None);
                        }
                    }
                }
                await Task.Delay(100, CancellationToken.None);
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
        return round;
    }

    /// <summary>A browser tab: connects over wss, collects personal messages, reconnects whenever its connection ends.</summary>
    private sealed class ReconnectingBrowser(LocalCluster cluster, long userId)
    {
        private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string _uuid = CometWebSocketClient.NewUuid();
        private volatile bool _isConnected;
        private int _connections;

        public long UserId { get; } = userId;
        public ConcurrentDictionary<string, bool> ReceivedSet { get; } = new();
        public IReadOnlySet<string> Received => ReceivedSet.Keys.ToHashSet();
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
                    client = await CometWebSocketClient.ConnectAsync(cluster.WssUri,
                        CometWebSocketClient.Path("h" + UserId, UserId, uuid: _uuid), cluster.TrustCertificate);
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException)
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
                catch (Exception e) when (e is InvalidOperationException or System.Net.WebSockets.WebSocketException)
                {
                    return;
                }
                if (CometWebSocketClient.IsPipe(message, "msg") && message.GetProperty("event").GetString() == "seq")
                {
                    ReceivedSet.TryAdd(message.GetProperty("data").GetString()!, true);
                }
            }
        }
    }
}
