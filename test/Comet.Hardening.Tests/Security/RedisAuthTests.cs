using System.Net;
using MySqlConnector;

namespace Comet.Hardening.Tests.Security;

/// <summary>
/// Redis AUTH through the StackExchange.Redis configuration string (<c>password=</c>), against a real
/// redis-server started with <c>--requirepass</c>: the right password serves, a wrong one keeps the node
/// not ready and refuses work with an error, and no secret ever reaches the log.
/// </summary>
public sealed class RedisAuthTests
{
    private const string RedisPassword = "r3dis-Secret-9f2c";
    private const string CometPassword = "comet-Key-6d1e0";

    [Fact]
    public async Task With_the_password_the_cluster_serves_and_without_it_the_node_is_not_ready_and_refuses_work()
    {
        await using var redis = await RedisServer.StartOwnedAsync("--requirepass", RedisPassword);

        await using var good = await GatewayProcess.StartAsync("auth-good", Settings($"{redis.Configuration},password={RedisPassword}"));
        await using var bad = await GatewayProcess.StartAsync("auth-bad", Settings($"{redis.Configuration},password=not-the-password"));
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(good.HttpUri, "/health/ready"))).StatusCode);
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(good, CometWebSocketClient.Path());
        var info = client.ServerInfo;
        await client.SendAsync("subscription\nweb_auth");
        await using (var backend = await CometQLBackend.OpenAsync(ConnectionString(good)))
        {
            await Wait.UntilAsync(async () => await backend.SubscribersAsync("web_auth") == "1", "the subscription to reach Redis");
        }
        await CometQLBackend.ExecuteOnceAsync(ConnectionString(good), "INSERT INTO pipes_messages (name, event, message) VALUES ('web_auth', 'e', 'through an authenticated Redis')");
        Assert.Equal("through an authenticated Redis", (await client.WaitForPipeAsync("web_auth")).GetProperty("data").GetString());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri(bad.HttpUri, "/health/ready"))).StatusCode);
        await Assert.ThrowsAsync<MySqlException>(() =>
            CometQLBackend.ExecuteOnceAsync(ConnectionString(bad), "INSERT INTO pipes_messages (name, event, message) VALUES ('web_auth', 'e', 'x')"));

        foreach (var node in new[] { good, bad })
        {
            Assert.DoesNotContain(RedisPassword, node.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", node.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(CometPassword, node.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_AUTH_the_server_refuses_every_command_so_the_password_is_really_checked()
    {
        await using var redis = await RedisServer.StartOwnedAsync("--requirepass", RedisPassword);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(redis.Host, redis.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer);
        Assert.StartsWith("-NOAUTH", System.Text.Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Settings(string redisConfiguration) => new()
    {
        ["Comet:Redis:Configuration"] = redisConfiguration,
        ["Comet:Redis:Prefix"] = "auth",
        ["Comet:Password"] = CometPassword,
        // Everything the gateway logs, down to Debug, is searched for the secrets.
        ["Logging:LogLevel:Default"] = "Debug",
    };

    private static string ConnectionString(GatewayProcess node) => node.ConnectionString(password: CometPassword);
}
