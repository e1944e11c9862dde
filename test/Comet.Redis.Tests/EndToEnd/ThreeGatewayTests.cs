using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>Three gateway processes on one Redis, clients spread over them, behave as one server.</summary>
public sealed class ThreeGatewayTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Pipes_personal_messages_presence_and_counts_work_across_three_gateways()
    {
        await using var cluster = await GatewayProcessCluster.StartAsync(redis.Server.Configuration, 3);
        var (n1, n2, n3) = (cluster.Nodes[0], cluster.Nodes[1], cluster.Nodes[2]);
        await CometQLBackend.ExecuteAsync(n2, "INSERT INTO users_auth (id, hash) VALUES (5, 'hash5')");

        await using var reader = await CometWebSocketClient.ConnectAsync(n1);
        await reader.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo");
        await reader.SendAsync("subscription\nweb_news\nuser_status_5");
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(n3, "SELECT * FROM pipes WHERE name IN ('web_news')"),
            rows => rows.Count == 1 && rows[0][1] == "1", "web_news to count one subscriber from node n3");

        await using var user = await CometWebSocketClient.ConnectAsync(n3, 5, "hash5");
        var info = await user.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo");
        Assert.True(info.GetProperty("authorized").GetBoolean());
        var online = await reader.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "user_status_5"));
        Assert.Equal("online", online.GetProperty("event").GetString());
        Assert.Equal([["5", "0"]], await CometQLBackend.RowsAsync(n1, "SELECT id, time FROM users_time WHERE id = 5"));

        await CometQLBackend.ExecuteAsync(n2, "INSERT INTO pipes_messages (name, event, message) VALUES ('web_news', 'update', 'hello from n2')");
        var news = await reader.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "web_news"));
        Assert.Equal(("update", "hello from n2"), (news.GetProperty("event").GetString(), news.GetProperty("data").GetString()));

        await CometQLBackend.ExecuteAsync(n1, "INSERT INTO users_messages (id, event, message) VALUES (5, 'personal', 'for five')");
        var personal = await user.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "msg"));
        Assert.Equal(("personal", "for five"), (personal.GetProperty("event").GetString(), personal.GetProperty("data").GetString()));

        await user.DisposeAsync();
        var offline = await reader.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "user_status_5"));
        Assert.Equal("offline", offline.GetProperty("event").GetString());
        var time = long.Parse((await CometQLBackend.RowsAsync(n2, "SELECT id, time FROM users_time WHERE id = 5"))[0][1]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(time, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }
}
