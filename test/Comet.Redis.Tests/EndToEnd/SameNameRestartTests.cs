using System.Globalization;
using Comet.Testing.Clients;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>
/// A gateway killed and started again under the same node name (a container restarting in its pod) is a
/// new member of the cluster: the dead process's connections leave presence like any dead node's, and
/// the new one neither repeats personal messages the dead one delivered nor reuses its connection ids.
/// </summary>
public sealed class SameNameRestartTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task The_dead_process_is_reaped_and_the_new_one_starts_clean()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 2);
        var (n1, n2) = (cluster.Nodes[0], cluster.Nodes[1]);
        await CometQLBackend.ExecuteAsync(n2, "INSERT INTO users_auth (id, hash) VALUES (31, 'h31')");
        await using var watcher = await CometWebSocketClient.ConnectAsync(n2);
        await watcher.SendAsync("subscription\nweb_restart");

        var before = await CometWebSocketClient.ConnectAsync(n1, 31, "h31");
        await before.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo");
        await before.SendAsync("subscription\nweb_restart");
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n2, "SELECT name, users FROM pipes WHERE name = 'web_restart'"),
            rows => rows.Single()[1] == "2", "both subscribers to count");
        for (var i = 1; i <= 5; i++)
        {
            await CometQLBackend.ExecuteAsync(n2, $"INSERT INTO users_messages (id, event, message) VALUES (31, 'n', '{i}')");
        }
        for (var i = 1; i <= 5; i++)
        {
            var message = await before.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "msg"));
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), message.GetProperty("data").GetString());
        }

        // SIGKILL, then the same node name again.
        var name = n1.NodeName.Replace(cluster.Prefix, "", StringComparison.Ordinal);
        n1.Kill();
        var restarted = await cluster.AddAsync(name);
        Assert.Equal(n1.NodeName, restarted.NodeName);
        await using var after = await CometWebSocketClient.ConnectAsync(restarted, 31, "h31");
        await after.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo");
        await after.SendAsync("subscription\nweb_restart");
        for (var i = 6; i <= 8; i++)
        {
            await CometQLBackend.ExecuteAsync(n2, $"INSERT INTO users_messages (id, event, message) VALUES (31, 'n', '{i}')");
        }

        // The new process delivers only what it never had: no repeat of 1..5.
        var received = new List<string>();
        for (var i = 6; i <= 8; i++)
        {
            received.Add((await after.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "msg"))).GetProperty("data").GetString()!);
        }
        Assert.Equal(["6", "7", "8"], received);
        await after.AssertSilentAsync(TimeSpan.FromMilliseconds(500));

        // The dead process's connection leaves presence within the lease: two subscribers again (the watcher
        // and the new connection), and the user still online through its new connection.
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n2, "SELECT name, users FROM pipes WHERE name = 'web_restart'"),
            rows => rows.Single()[1] == "2", "the dead connection to leave the pipe", TimeSpan.FromSeconds(10));
        Assert.Equal([["31", "0"]], await CometQLBackend.RowsAsync(n2, "SELECT id, time FROM users_time WHERE id = 31"));
        await before.DisposeAsync();
    }
}
