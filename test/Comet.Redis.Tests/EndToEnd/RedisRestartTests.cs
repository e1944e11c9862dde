using System.Diagnostics;
using Comet.Testing;
using Comet.Testing.Clients;
using MySqlConnector;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>Redis goes away under traffic and comes back empty: gateways fail fast, keep sockets, recover.</summary>
public sealed class RedisRestartTests
{
    [Fact]
    public async Task While_redis_is_down_cometql_fails_fast_sockets_stay_open_and_everything_recovers_after()
    {
        await using var redis = await RedisServer.StartOwnedAsync();
        if (!redis.IsOwned)
        {
            Assert.Fail("This test restarts Redis: run it with a redis-server it can own (unset REDIS_URL).");
        }
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Configuration, 2);
        var (n1, n2) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var reader = await CometWebSocketClient.ConnectAsync(n2);
        await reader.SendAsync("subscription\nweb_restart");
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n1, "SELECT * FROM pipes WHERE name IN ('web_restart')"),
            rows => rows.Count == 1 && rows[0][1] == "1", "the subscription to count");
        await CometQLBackend.ExecuteAsync(n1, "INSERT INTO pipes_messages (name, event, message) VALUES ('web_restart', 'e', 'before')");
        await reader.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "web_restart") && m.GetProperty("data").GetString() == "before");

        redis.Kill();
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<MySqlException>(() =>
            CometQLBackend.ExecuteAsync(n1, "INSERT INTO pipes_messages (name, event, message) VALUES ('web_restart', 'e', 'lost')"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the error took {clock.Elapsed}");
        Assert.Contains("storage", error.Message, StringComparison.OrdinalIgnoreCase);
        using var http = new HttpClient();
        await Wait.UntilAsync(async () => (int)(await http.GetAsync(new Uri(n1.HttpUri, "/health/ready"))).StatusCode,
            code => code != 200, "n1 to report not ready");
        Assert.True(reader.IsOpen, "the WebSocket must stay open while Redis is down");

        await redis.RestartAsync();
        foreach (var node in cluster.Nodes)
        {
            await Wait.UntilAsync(async () => (int)(await http.GetAsync(new Uri(node.HttpUri, "/health/ready"))).StatusCode,
                code => code == 200, $"{node.NodeName} to be ready again", TimeSpan.FromSeconds(20));
        }
        // The empty Redis learnt the subscription again from n2, and pub/sub works again.
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n1, "SELECT * FROM pipes WHERE name IN ('web_restart')"),
            rows => rows.Count == 1 && rows[0][1] == "1", "the subscription to be restored", TimeSpan.FromSeconds(15));
        await CometQLBackend.ExecuteAsync(n1, "INSERT INTO pipes_messages (name, event, message) VALUES ('web_restart', 'e', 'after')");
        var after = await reader.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "web_restart"));
        Assert.Equal("after", after.GetProperty("data").GetString());
    }
}
