using Comet.Testing;
using MySqlConnector;

namespace Comet.CometQL.Tests.Integration;

/// <summary>Per-address connection limit, failed-login blocking (brute force) and the login timeout, with real clients.</summary>
public sealed class ConnectionLimitsTests
{
    [Fact]
    public async Task Beyond_MaxConnectionsPerAddress_a_client_gets_1203_until_one_closes()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:CometQL:MaxConnectionsPerAddress"] = "2" });
        var first = await RawMySqlClient.ConnectAsync(gateway.CometQLPort);
        await using var second = await RawMySqlClient.ConnectAsync(gateway.CometQLPort);
        var refused = await MysqlCli.RunAsync(gateway, "select 1");
        Assert.Contains("ERROR 1203", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("Too many connections from '127.0.0.1'", refused.StandardError, StringComparison.Ordinal);
        await first.DisposeAsync();
        var result = await Wait.UntilAsync(() => MysqlCli.RunAsync(gateway, "select 1"), r => r.ExitCode == 0, "the mysql client to get in");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_brute_force_is_blocked_with_1129_even_for_the_right_key_until_the_window_passes()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:CometQL:MaxFailedLoginsPerAddress"] = "3",
            ["Comet:CometQL:FailedLoginWindow"] = "00:00:03",
        });
        for (var i = 0; i < 3; i++)
        {
            var wrong = await Assert.ThrowsAsync<MySqlException>(() => CometQLBackend.OpenAsync(gateway.ConnectionString("1201", "guess" + i)));
            Assert.Contains("Authentication failure", wrong.Message, StringComparison.Ordinal);
        }
        var blocked = await Assert.ThrowsAsync<MySqlException>(() => CometQLBackend.OpenAsync(gateway.ConnectionString("1201")));
        Assert.Equal(1129, blocked.Number);
        Assert.Contains("Host '127.0.0.1' is blocked", blocked.Message, StringComparison.Ordinal);
        var cli = await MysqlCli.RunAsync(gateway, "select 1", user: "1201");
        Assert.Contains("ERROR 1129", cli.StandardError, StringComparison.Ordinal);

        // After the window the right key logs in again.
        var after = await Wait.UntilAsync(() => MysqlCli.RunAsync(gateway, "select 1", user: "1201"), r => r.ExitCode == 0, "the mysql client to get in");
        Assert.True(after.ExitCode == 0, after.ToString());
        await using var client = await CometQLBackend.OpenAsync(gateway, "1201");
        var status = (await client.RowsAsync("SHOW STATUS LIKE 'comet.cometql.%'")).ToDictionary(r => r[0]!, r => r[1]);
        Assert.Equal("3", status["comet.cometql.login.failures"]);
        Assert.True(long.Parse(status["comet.cometql.connections.rejected{reason=address_blocked}"]!, System.Globalization.CultureInfo.InvariantCulture) >= 2);
    }

    [Fact]
    public async Task A_client_that_never_finishes_the_handshake_is_closed_and_frees_its_slot()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:CometQL:MaxConnections"] = "1",
            ["Comet:CometQL:HandshakeTimeout"] = "00:00:01",
        });
        // The silent client holds the only slot (MaxConnections=1; ConfiguredLimitsTests shows a full node
        // answers 1040) until the login timeout closes it; then a real client gets the slot.
        await using (var silent = await RawMySqlClient.ConnectAsync(gateway.CometQLPort))
        {
            Assert.True(await silent.IsClosedByServerAsync());
        }
        var result = await Wait.UntilAsync(() => MysqlCli.RunAsync(gateway, "SHOW STATUS LIKE 'comet.cometql.login.timeouts'"), r => r.ExitCode == 0, "the mysql client to get in");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("comet.cometql.login.timeouts\t1", result.StandardOutput, StringComparison.Ordinal);
    }
}
