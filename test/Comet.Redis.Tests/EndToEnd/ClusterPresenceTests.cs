using System.Diagnostics;
using System.Globalization;
using Comet.Testing.Clients;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>Cluster-wide presence seen through the real protocols, with clients on different gateways.</summary>
public sealed class ClusterPresenceTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Track_events_counts_member_lists_and_closing_a_user_span_the_gateways()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 3);
        var (n1, n2, n3) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        await CometQLBackend.ExecuteAsync(n1, "INSERT INTO users_auth (id, hash) VALUES (21, 'h21'), (22, 'h22')");

        await using var first = await CometWebSocketClient.ConnectAsync(n1, 21, "h21", uuid: new string('a', 32));
        await first.SendAsync("subscription\ntrack_room");
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n3, "SELECT * FROM pipes WHERE name IN ('track_room')"),
            rows => rows.Count == 1 && rows[0][1] == "1", "the first member to count");
        await using var second = await CometWebSocketClient.ConnectAsync(n2, 22, "h22", uuid: new string('b', 32));
        await second.SendAsync("subscription\ntrack_room");

        // The member on n1 hears the member joining on n2.
        var joined = await first.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "track_room") && m.GetProperty("event").GetString() == "subscription");
        Assert.Equal(22, joined.GetProperty("data").GetProperty("user_id").GetInt64());

        // Counts and member lists asked on n3, where nobody is connected, see both.
        await using var observer = await CometWebSocketClient.ConnectAsync(n3);
        await observer.SendAsync("pipe_count\ntrack_room\nmarker0001\n");
        var count = await observer.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "_answer_pipe_count"));
        Assert.Equal(2, count.GetProperty("data")[1].GetInt64());
        await observer.SendAsync("track_pipe_users\ntrack_room\nmarker0002");
        var members = await observer.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "_answer"));
        Assert.Equal([21L, 22L], members.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("user_id").GetInt64()).Order());
        var rows = await CometQLBackend.RowsAsync(n3, "SELECT name, user_id FROM users_in_pipes WHERE name = 'track_room'");
        Assert.Equal(["21", "22"], rows.Select(r => r[1]).Order());

        // Deleting user 22's hash on n1 closes its connection on n2; n1's member hears it leave.
        await CometQLBackend.ExecuteAsync(n1, "DELETE FROM users_auth WHERE id = 22");
        var left = await first.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "track_room") && m.GetProperty("event").GetString() == "unsubscription");
        Assert.Equal(22, left.GetProperty("data").GetProperty("user_id").GetInt64());
        await Wait.UntilAsync(() => second.IsOpen, open => !open, "user 22's socket on n2 to close");
    }

    [Fact]
    public async Task The_device_limit_counts_connections_on_every_gateway()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 3);
        await CometQLBackend.ExecuteAsync(cluster.Nodes[0], "INSERT INTO users_auth (id, hash) VALUES (23, 'h23')");
        var sockets = new List<CometWebSocketClient>();
        try
        {
            for (var i = 0; i < 16; i++)
            {
                var client = await CometWebSocketClient.ConnectAsync(cluster.Nodes[i % 3], 23, "h23");
                sockets.Add(client);
                await client.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo");
            }
            await using var seventeenth = await CometWebSocketClient.ConnectAsync(cluster.Nodes[1], 23, "h23");
            var refusal = await seventeenth.WaitForAsync(m => m.GetProperty("event").GetString() == "error");
            Assert.Contains("Too many connections", refusal.GetProperty("data").GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_gateway_killed_with_sigkill_stops_counting_and_its_users_go_offline_within_the_lease()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 2);
        var (n1, n2) = (cluster.Nodes[0], cluster.Nodes[1]);
        await CometQLBackend.ExecuteAsync(n1, "INSERT INTO users_auth (id, hash) VALUES (24, 'h24')");
        await using var watcher = await CometWebSocketClient.ConnectAsync(n1);
        await watcher.SendAsync("subscription\nuser_status_24\nweb_lobby");
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n1, "SELECT * FROM pipes WHERE name IN ('user_status_24')"),
            rows => rows.Count == 1 && rows[0][1] == "1", "the watcher's subscription to count");
        await using var victim = await CometWebSocketClient.ConnectAsync(n2, 24, "h24");
        await victim.SendAsync("subscription\nweb_lobby");
        await watcher.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "user_status_24") && m.GetProperty("event").GetString() == "online");
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n1, "SELECT * FROM pipes WHERE name IN ('web_lobby')"),
            rows => rows.Count == 1 && rows[0][1] == "2", "both lobby members to count");

        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var clock = Stopwatch.StartNew();
        n2.Kill();

        var offline = await watcher.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "user_status_24"), TimeSpan.FromSeconds(10));
        // Lease 1.5 s, heartbeat 0.25 s (GatewayProcessCluster): well within 4 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"offline took {clock.Elapsed}");
        Assert.Equal("offline", offline.GetProperty("event").GetString());
        var time = long.Parse((await CometQLBackend.RowsAsync(n1, "SELECT id, time FROM users_time WHERE id = 24"))[0][1]!, CultureInfo.InvariantCulture);
        Assert.InRange(time, killedAt - 2, killedAt + 1);
        // The reaper takes the dead node's users out before its subscriptions.
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n1, "SELECT * FROM pipes WHERE name IN ('web_lobby')"),
            rows => rows.Count == 1 && rows[0][1] == "1", "the victim's lobby subscription to be reaped", TimeSpan.FromSeconds(4));
    }
}
