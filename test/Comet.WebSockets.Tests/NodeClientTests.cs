using System.Text.Json;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;

namespace Comet.WebSockets.Tests;

/// <summary>A real node `ws` client driving the protocol the way CometServerApi.js 4.08 does.</summary>
public sealed class NodeClientTests
{
    [Fact]
    public async Task The_JS_api_flows_work_subscribe_send_markers_reconnect()
    {
        var node = RequiredTool.Node;
        var clients = RequiredTool.NodeClientsDirectory;
        await using var gateway = await TestGateway.StartAsync();
        await gateway.Engine().Users.SetHashAsync(0, 301, "hash301");

        var result = await ProcessRunner.RunAsync(node,
            [Path.Combine(clients, "ws", "js-api-flow.js"), $"ws://127.0.0.1:{gateway.HttpPort}", "0", "301", "hash301"],
            workingDirectory: clients, timeout: TimeSpan.FromSeconds(60));

        var steps = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            ["serverInfo", "pipe_count", "web_pipe_send answer", "watcher got the message with the sender id", "getTrackPipeUsers",
             "reconnect", "track events across the reconnect", "resend is silent", "user_status", "getUserData"],
            steps.Select(s => s.GetProperty("step").GetString()));
        Assert.All(steps, s => Assert.True(s.GetProperty("ok").GetBoolean(), s.GetRawText()));
    }
}
