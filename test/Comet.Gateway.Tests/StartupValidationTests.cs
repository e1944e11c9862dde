using Comet.Testing;

namespace Comet.Gateway.Tests;

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
    public async Task Production_refuses_to_start_without_a_password_and_says_which_setting()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll");

        var result = await ProcessRunner.RunAsync("dotnet", [dll, "--urls", "http://127.0.0.1:0", "--Comet:CometQL:Port", "0"],
            environment: new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Comet__Password"] = "" },
            timeout: TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Comet__Password", result.StandardOutput + result.StandardError);
    }

    [Fact]
    public async Task A_bad_cometql_address_fails_start_with_a_clear_message()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll");

        var result = await ProcessRunner.RunAsync("dotnet",
            [dll, "--urls", "http://127.0.0.1:0", "--Comet:CometQL:Address", "not-an-ip", "--Comet:Password", "x"],
            environment: new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            timeout: TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not-an-ip", result.StandardOutput + result.StandardError);
    }
}
