using System.Net;
using System.Net.Sockets;
using Comet.Testing;

namespace Comet.Gateway.Tests;

/// <summary>
/// What a person or an orchestrator sees when the gateway starts: a configuration problem is one line
/// per problem on stderr and exit code 1 (not a stack trace and SIGABRT's 134); a default start says
/// nothing it would have to act on.
/// </summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task A_separate_process_serves_info_on_the_configured_port()
    {
        await using var node = await GatewayProcess.StartAsync("proc-node");
        using var http = new HttpClient();

        var body = await http.GetStringAsync(new Uri(node.HttpUri, "/info"));

        Assert.Equal("{\"status\":\"ok\",\"node\":\"proc-node_\"}", body);
    }

    [Fact]
    public async Task Production_without_a_password_exits_with_code_1_and_one_line_naming_the_setting()
    {
        var result = await RunGatewayAsync("Production", ["--Comet:Password", ""]);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(Lines(result.StandardError));
        Assert.Contains("Comet__Password", line);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task Every_problem_gets_its_own_line()
    {
        var result = await RunGatewayAsync("Production",
            ["--Comet:Password", "", "--Comet:CometQL:MaxConnections", "0", "--Comet:Limits:MaxConnectionsPerUser", "-1"]);

        Assert.Equal(1, result.ExitCode);
        var lines = Lines(result.StandardError);
        Assert.Equal(3, lines.Count);
        Assert.Contains(lines, l => l.Contains("Comet__Password", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("MaxConnections", StringComparison.Ordinal) && !l.Contains("PerUser", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("MaxConnectionsPerUser", StringComparison.Ordinal));
        AssertNoStackTrace(result);
    }

    [Theory]
    [InlineData("00:00:11")]
    [InlineData("-00:00:00.001")]
    public async Task A_pipe_delivery_lag_bound_outside_0_to_10_s_exits_with_code_1_and_names_the_setting(string lag)
    {
        var result = await RunGatewayAsync("Production", ["--Comet:Password", "x", "--Comet:Limits:MaxPipeDeliveryLag", lag]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MaxPipeDeliveryLag", Assert.Single(Lines(result.StandardError)));
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_bad_cometql_address_exits_with_code_1_and_names_the_value()
    {
        var result = await RunGatewayAsync("Production", ["--Comet:CometQL:Address", "not-an-ip", "--Comet:Password", "x"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not-an-ip", Assert.Single(Lines(result.StandardError)));
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_port_in_use_exits_with_code_1_and_names_the_address()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await RunGatewayAsync("Production", ["--Comet:Password", "x", "--urls", $"http://127.0.0.1:{port}"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"127.0.0.1:{port}", Assert.Single(Lines(result.StandardError)));
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task A_default_start_prints_no_warning()
    {
        // As `dotnet run` starts it: Development, no password, every limit at its default, on this
        // machine's open-file limit (20,000 here).
        await using var node = await GatewayProcess.StartAsync("quiet-node", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Comet:Password"] = "",
            ["Logging:LogLevel:Default"] = "Information",
        });
        await node.WaitForOutputAsync("Application started", TimeSpan.FromSeconds(30));

        Assert.Contains("WebSocket connections admitted", node.Output);
        Assert.DoesNotContain("warn:", node.Output);
        Assert.DoesNotContain("fail:", node.Output);
    }

    private static Task<ProcessResult> RunGatewayAsync(string environment, string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll");
        return ProcessRunner.RunAsync("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--Comet:CometQL:Port", "0", .. arguments],
            environment: new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = environment },
            timeout: TimeSpan.FromSeconds(30));
    }

    private static List<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static void AssertNoStackTrace(ProcessResult result)
    {
        Assert.DoesNotContain("Unhandled exception", result.StandardError);
        Assert.DoesNotContain("   at ", result.StandardError);
    }
}
