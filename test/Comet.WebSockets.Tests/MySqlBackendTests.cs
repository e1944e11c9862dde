using System.Net.WebSockets;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>
/// End to end with the backend side through a real MySQL driver (MySql.Data 8.0.16) speaking CometQL,
/// the way a PHP or .NET site drives CppComet.
/// </summary>
public sealed class MySqlBackendTests
{
    [Fact]
    public async Task A_backend_authorises_a_user_publishes_and_sends_personal_messages()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var sql = await CometQLBackend.OpenAsync(gateway);
        await sql.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (101, 'hash101')");

        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("hash101", 101));
        var info = client.ServerInfo;
        Assert.True(info.GetProperty("authorized").GetBoolean());
        await client.SendAsync("subscription\nweb_feed");
        await Wait.UntilAsync(async () => (await sql.RowsAsync("SELECT users FROM pipes WHERE name = 'web_feed'"))[0][0] == "1", "pipes shows the subscriber");

        await sql.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_feed', 'news', '{\"n\":1}')");
        var pipeMessage = await client.ReceiveAsync();
        Assert.Equal("{\"data\":\"{\\\"n\\\":1}\",\"event\":\"news\",\"message_send_time\":0,\"pipe\":\"web_feed\"}", pipeMessage.WithoutTime());

        await sql.ExecuteAsync("INSERT INTO users_messages (id, event, message) VALUES (101, 'newMessage', 'hello')");
        Assert.Equal("{\"data\":\"hello\",\"event\":\"newMessage\",\"pipe\":\"msg\"}", await client.ReceiveTextAsync());

        Assert.Equal("0", (await sql.RowsAsync("SELECT time FROM users_time WHERE id = 101"))[0][0]);
        var members = await sql.RowsAsync("SELECT * FROM users_in_pipes WHERE name = 'web_feed'");
        var member = Assert.Single(members);
        Assert.Contains("101", member);
        Assert.Contains("CometWebSocketClient/1.0", member);
        Assert.Contains("http://site.example", member);
    }

    [Fact]
    public async Task Queued_personal_messages_wait_for_the_user_and_users_time_records_the_last_close()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var sql = await CometQLBackend.OpenAsync(gateway);
        await sql.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (102, 'hash102')");
        for (var i = 1; i <= 12; i++)
        {
            await sql.ExecuteAsync($"INSERT INTO users_messages (id, event, message) VALUES (102, 'e', 'queued {i}')");
        }

        var client = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path("hash102", 102));
        Assert.Equal("serverInfo", (await client.ReceiveAsync()).GetProperty("event").GetString());
        for (var i = 1; i <= 12; i++)
        {
            var queued = await client.ReceiveAsync();
            Assert.Equal($"queued {i}", queued.GetProperty("data").GetString());
            Assert.True(queued.GetProperty("fromQueue").GetBoolean());
        }
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await client.DisposeAsync();

        await Wait.UntilAsync(async () => (await sql.RowsAsync("SELECT time FROM users_time WHERE id = 102"))[0][0] != "0", "users_time is set");
        var time = long.Parse((await sql.RowsAsync("SELECT time FROM users_time WHERE id = 102"))[0][0]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(time, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Deleting_users_auth_through_CometQL_closes_the_users_connection()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var sql = await CometQLBackend.OpenAsync(gateway);
        await sql.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (103, 'hash103')");
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path("hash103", 103));

        await sql.ExecuteAsync("DELETE FROM users_auth WHERE id = 103");

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.WaitForCloseAsync());
    }

    [Fact]
    public async Task Revoking_a_token_through_CometQL_closes_the_connection_that_used_it()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var sql = await CometQLBackend.OpenAsync(gateway);
        var token = Jwt.ForUser(104);
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(token, 104));
        var info = client.ServerInfo;
        Assert.True(info.GetProperty("authorized").GetBoolean());

        await sql.ExecuteAsync($"INSERT INTO revoked_tokens (token) VALUES ('{token}')");

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.WaitForCloseAsync());
        await using var again = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path(token, 104));
        var refused = again.ServerInfo;
        Assert.False(refused.GetProperty("authorized").GetBoolean());
    }

    [Fact]
    public async Task Web_pipe2_messages_are_logged_and_readable_through_pipes_messages()
    {
        await using var gateway = await TestGateway.StartAsync();
        await using var sql = await CometQLBackend.OpenAsync(gateway);
        await sql.ExecuteAsync("INSERT INTO pipes_settings (name, length) VALUES ('web_history', 10)");
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(gateway, CometWebSocketClient.Path());

        await client.SendAsync("web_pipe2\nweb_history\nposted\n*\nfrom the browser");
        await client.ReceiveAsync();

        var rows = await sql.RowsAsync("SELECT name, event, message FROM pipes_messages WHERE name = 'web_history'");
        Assert.Equal(new string?[] { "web_history", "posted", "from the browser" }, Assert.Single(rows));
    }
}
