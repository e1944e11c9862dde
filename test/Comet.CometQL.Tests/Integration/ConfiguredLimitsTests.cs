using Comet.Testing;

namespace Comet.CometQL.Tests.Integration;

/// <summary>Limits set in configuration: connections, timeouts, query length.</summary>
public sealed class ConfiguredLimitsTests
{
    [Fact]
    public async Task Beyond_MaxConnections_a_client_gets_too_many_connections()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:CometQL:MaxConnections"] = "2" });
        await using var first = await RawMySqlClient.ConnectAsync(gateway.CometQLPort);
        await using var second = await RawMySqlClient.ConnectAsync(gateway.CometQLPort);
        var result = await MysqlCli.RunAsync(gateway, "select 1");
        Assert.Contains("ERROR 1040", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Too many connections", result.StandardError, StringComparison.Ordinal);
        await first.DisposeAsync();
        result = await Wait.UntilAsync(() => MysqlCli.RunAsync(gateway, "select 1"), r => r.ExitCode == 0, "the mysql client to get in");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Silent_clients_are_closed_after_the_login_and_idle_timeouts()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:CometQL:HandshakeTimeout"] = "00:00:01",
            ["Comet:CometQL:IdleTimeout"] = "00:00:02",
        });
        await using (var silent = await RawMySqlClient.ConnectAsync(gateway.CometQLPort))
        {
            Assert.True(await silent.IsClosedByServerAsync());
        }
        await using var idle = await RawMySqlClient.ConnectAsync(gateway.CometQLPort);
        await idle.LoginAsync();
        await Task.Delay(500);
        Assert.Equal(0x00, (await idle.CommandAsync(0x0E, []))[0]);
        Assert.True(await idle.IsClosedByServerAsync());
    }

    [Fact]
    public async Task With_a_longer_query_limit_4000_values_pass_and_4001_are_too_many()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:CometQL:MaxQueryLength"] = "100000" });
        await using var client = await CometQLBackend.OpenAsync(gateway, "801");
        var ids = string.Join(",", Enumerable.Range(1, 4000));
        Assert.Equal(4000, (await client.RowsAsync($"select * from users_time where id in ({ids})")).Count);
        Assert.Equal((19, "Too many values"), await client.ErrorAsync($"select * from users_time where id in ({ids},4001)"));
        var columns = string.Join(",", Enumerable.Range(1, 21).Select(i => "id"));
        Assert.Equal((20, "Too many columns"), await client.ErrorAsync($"select {columns} from users_time where id = 1"));
        Assert.Equal([["1", "-1"]], await client.RowsAsync("select * from users_time where id = 1"));
    }
}
