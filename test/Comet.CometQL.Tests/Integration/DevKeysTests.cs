using Comet.Testing;

namespace Comet.CometQL.Tests.Integration;

/// <summary>Per-dev_id keys (Comet:DevKeys): each namespace is reachable only with its own key.</summary>
public sealed class DevKeysTests
{
    [Fact]
    public async Task A_dev_id_with_its_own_key_logs_in_only_with_that_key_and_cannot_be_reached_through_db_N()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Comet:DevKeys:700"] = "SevenHundredKey" });
        var own = await MysqlCli.RunAsync(gateway, "select database()", user: "700", password: "SevenHundredKey");
        Assert.True(own.ExitCode == 0, own.ToString());
        var main = await MysqlCli.RunAsync(gateway, "select 1", user: "700");
        Assert.Contains("ERROR 16", main.StandardError, StringComparison.Ordinal);

        var viaDb = await MysqlCli.RunAsync(gateway, "select 1", database: "db_700");
        Assert.Contains("ERROR 15", viaDb.StandardError, StringComparison.Ordinal);
        var viaUse = await MysqlCli.RunAsync(gateway, "use db_700");
        Assert.Contains("Select database failure", viaUse.StandardError, StringComparison.Ordinal);
        var sameKey = await MysqlCli.RunAsync(gateway, "select database()", database: "db_5");
        Assert.True(sameKey.ExitCode == 0, sameKey.ToString());
        Assert.Contains("db_5", sameKey.StandardOutput, StringComparison.Ordinal);
    }
}
