using Comet.Testing;
using MySqlConnector;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// A gateway whose greeting names caching_sha2_password (as MySQL 8 does): every client logs in on
/// the fast path (the server knows the key), without TLS or RSA.
/// </summary>
public sealed class CachingSha2Tests : IAsyncLifetime
{
    private TestGateway? _gateway;

    private TestGateway Gateway => _gateway!;

    public async Task InitializeAsync() =>
        _gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:CometQL:AuthPlugin"] = "caching_sha2_password" });

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    [Fact]
    public async Task Every_client_logs_in()
    {
        await using (var raw = await RawMySqlClient.ConnectAsync(Gateway.CometQLPort))
        {
            Assert.Equal("caching_sha2_password", raw.AuthPlugin);
        }

        Assert.Contains("-1", await MysqlCli.QueryAsync(Gateway, "select time from users_time where id = 1"), StringComparison.Ordinal);

        await using (var connection = new MySqlConnection(Gateway.ConnectionString()))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT time FROM users_time WHERE id = 1", connection);
            Assert.Equal(-1L, await command.ExecuteScalarAsync());
        }

        var php = await ScriptClients.PhpAsync(Gateway, "501", "star_chat.php");
        Assert.True(php.GetProperty("queued_message_equals_json").GetBoolean());
        var pdo = await ScriptClients.PhpAsync(Gateway, "502", "pdo.php", "0");
        Assert.True(pdo.GetProperty("data_equals").GetBoolean());
        var node = await ScriptClients.NodeAsync(Gateway, "503", "flows.js");
        Assert.True(node.GetProperty("queuedEqualsJson").GetBoolean());
    }
}
