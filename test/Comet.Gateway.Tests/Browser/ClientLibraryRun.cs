using System.Globalization;
using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// One run of test/clients/browser/client.js: real Chromium pages with our client against two
/// gateway processes on one redis-server. The tests read its report.
/// </summary>
public sealed class ClientLibraryRun : IAsyncLifetime
{
    public JsonObject Report { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = redis.Configuration,
            ["Comet:Redis:Prefix"] = "client" + Guid.NewGuid().ToString("N")[..16],
        };
        await using var nodeA = await GatewayProcess.StartAsync("client-a", settings);
        await using var nodeB = await GatewayProcess.StartAsync("client-b", settings);
        Report = await BrowserRunner.RunAsync(
            "client.js",
            new Dictionary<string, string>
            {
                ["NODE_A"] = $"127.0.0.1:{nodeA.HttpPort.ToString(CultureInfo.InvariantCulture)}",
                ["NODE_B"] = $"127.0.0.1:{nodeB.HttpPort.ToString(CultureInfo.InvariantCulture)}",
                ["COMETQL_PORT"] = nodeB.CometQLPort.ToString(CultureInfo.InvariantCulture),
                ["COMETQL_PASSWORD"] = TestGateway.Password,
            },
            TimeSpan.FromSeconds(240));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
