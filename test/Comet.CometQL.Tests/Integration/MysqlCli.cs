using Comet.Testing;

namespace Comet.CometQL.Tests.Integration;

/// <summary>Runs the real mysql CLI (mariadb-client) against a gateway, in batch mode.</summary>
internal static class MysqlCli
{
    public static Task<ProcessResult> RunAsync(TestGateway gateway, string sql, string user = "root",
        string password = TestGateway.Password, string? database = "CometQL_v1", params string[] extra)
    {
        var args = new List<string>
        {
            "-h127.0.0.1", $"-P{gateway.CometQLPort}", $"-u{user}", $"-p{password}", "--skip-ssl", "--protocol=TCP", "-B",
        };
        if (database is not null)
        {
            args.Add($"-D{database}");
        }
        args.AddRange(extra);
        args.Add("-e");
        args.Add(sql);
        return ProcessRunner.RunAsync(RequiredTool.Mysql, args, timeout: TimeSpan.FromSeconds(30));
    }

    /// <summary>Feeds <paramref name="script"/> on standard input, as <c>mysql &lt; file.sql</c> does.</summary>
    public static Task<ProcessResult> RunBatchAsync(TestGateway gateway, string script, params string[] extra)
    {
        var args = new List<string>
        {
            "-h127.0.0.1", $"-P{gateway.CometQLPort}", "-uroot", $"-p{TestGateway.Password}", "--skip-ssl", "--protocol=TCP", "-B", "-DCometQL_v1",
        };
        args.AddRange(extra);
        return ProcessRunner.RunAsync(RequiredTool.Mysql, args, standardInput: script, timeout: TimeSpan.FromSeconds(30));
    }

    /// <summary>Runs and returns stdout, failing the test with the client's output if it failed.</summary>
    public static async Task<string> QueryAsync(TestGateway gateway, string sql, string user = "root")
    {
        var result = await RunAsync(gateway, sql, user);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput;
    }
}
