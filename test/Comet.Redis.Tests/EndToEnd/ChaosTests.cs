using System.Collections.Concurrent;
using System.Globalization;
using Comet.Testing;
using Comet.Testing.Clients;
using StackExchange.Redis;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>
/// The delivery promise under faults: three gateways, users reconnecting at random to random nodes, a
/// backend inserting numbered personal messages through CometQL on random nodes, one node killed with
/// SIGKILL and every pub/sub connection killed in Redis. Every message arrives exactly once, in order.
/// </summary>
public sealed class ChaosTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int Users = 6;
    private const int MessagesPerPhase = 25;

    [Fact]
    public async Task Every_personal_message_arrives_exactly_once_in_order_through_reconnects_a_killed_node_and_killed_pubsub()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 3);
        var alive = new List<GatewayProcess>(cluster.Nodes);
        var received = Enumerable.Range(0, Users + 1).Select(_ => new ConcurrentQueue<int>()).ToArray();
        var sent = new int[Users + 1];
        for (var user = 1; user <= Users; user++)
        {
            await CometQLBackend.ExecuteAsync(cluster.Nodes[0], $"INSERT INTO users_auth (id, hash) VALUES ({user}, 'chaos{user}')");
        }

        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(1, Users).Select(user => Task.Run(() => RunUserAsync(user, alive, received[user], stop.Token))).ToArray();

        // Phase 1: traffic while users hop between nodes.
        await SendPhaseAsync(alive, sent);
        await WaitUntilAllArrivedAsync(received, sent, "phase 1");

        // Phase 2: kill n3 with SIGKILL. Its users reconnect elsewhere; what is sent meanwhile waits.
        var victim = cluster.Nodes[2];
        lock (alive)
        {
            alive.Remove(victim);
        }
        victim.Kill();
        await SendPhaseAsync(alive, sent);
        await WaitUntilAllArrivedAsync(received, sent, "phase 2 (after SIGKILL)");

        // Phase 3: kill every pub/sub connection in the middle of the traffic.
        var sending = SendPhaseAsync(alive, sent);
        await Task.Delay(150);
        await KillPubSubAsync();
        await sending;
        await WaitUntilAllArrivedAsync(received, sent, "phase 3 (after CLIENT KILL TYPE pubsub)");

        await stop.CancelAsync();
        await Task.WhenAll(clients);
        for (var user = 1; user <= Users; user++)
        {
            Assert.Equal(Enumerable.Range(1, sent[user]), received[user]);
        }
        // The killed node's connections left presence: nobody is online any more.
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(alive[0], "SELECT id, time FROM users_time WHERE id IN (1,2,3,4,5,6)"),
            rows => rows.All(r => r[1] != "0"), "every user to be offline after the clients stopped", TimeSpan.FromSeconds(10));
    }

    /// <summary>One backend pass: the next numbered message for every user, each through a random live node.</summary>
    private static async Task SendPhaseAsync(List<GatewayProcess> alive, int[] sent)
    {
        for (var i = 0; i < MessagesPerPhase; i++)
        {
            for (var user = 1; user <= Users; user++)
            {
                var number = sent[user] + 1;
                await CometQLBackend.ExecuteAsync(Pick(alive), $"INSERT INTO users_messages (id, event, message) VALUES ({user}, 'n', '{number}')");
                sent[user] = number;
            }
        }
    }

    private static async Task WaitUntilAllArrivedAsync(ConcurrentQueue<int>[] received, int[] sent, string phase)
    {
        await Wait.UntilAsync(
            () => Enumerable.Range(1, Users).Select(u => (User: u, Received: received[u].Count, Sent: sent[u], Missing: Missing(received[u], sent[u]))).ToList(),
            list => list.All(x => x.Received >= x.Sent),
            $"every message of {phase} to arrive",
            TimeSpan.FromSeconds(30));
    }

    private static string Missing(ConcurrentQueue<int> received, int sent) =>
        string.Join(' ', Enumerable.Range(1, sent).Except(received));

    /// <summary>A user that connects to a random live node, stays a random while, leaves, and again.</summary>
    private static async Task RunUserAsync(int user, List<GatewayProcess> alive, ConcurrentQueue<int> received, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            CometWebSocketClient client;
            try
            {
                client = await CometWebSocketClient.ConnectAsync(Pick(alive), user, $"chaos{user}");
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or OperationCanceledException)
            {
                continue; // the node died under us: try another
            }
            // Stay a random while (the socket may die under us), leave cleanly, then read everything
            // that arrived on this connection up to the server's close frame.
            await Task.Delay(Random.Shared.Next(100, 700), CancellationToken.None);
            await client.DisposeAsync();
            foreach (var message in client.Drain())
            {
                if (CometWebSocketClient.IsPipe(message, "msg"))
                {
                    received.Enqueue(int.Parse(message.GetProperty("data").GetString()!, CultureInfo.InvariantCulture));
                }
            }
            if (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static GatewayProcess Pick(List<GatewayProcess> alive)
    {
        lock (alive)
        {
            return alive[Random.Shared.Next(alive.Count)];
        }
    }

    private async Task KillPubSubAsync()
    {
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration + ",allowAdmin=true");
        var killed = (long)await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        Assert.True(killed >= 2, $"expected the gateways' pub/sub connections to be killed, killed {killed}");
    }
}
