using System.Globalization;
using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// One run of test/clients/browser/run.js against a fresh in-process gateway: real Chromium pages with the
/// CppComet JavaScript API (ours, served by the gateway, unless the original is vendored), the backend side through CometQL (node mysql2). The tests read its report.
/// </summary>
public sealed class BrowserRun : IAsyncLifetime
{
    public JsonObject Report { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await using var gateway = await TestGateway.StartAsync();
        Report = await BrowserRunner.RunAsync(
            "run.js",
            new Dictionary<string, string>
            {
                ["GATEWAY_HTTP_PORT"] = gateway.HttpPort.ToString(CultureInfo.InvariantCulture),
                ["COMETQL_PORT"] = gateway.CometQLPort.ToString(CultureInfo.InvariantCulture),
                ["COMETQL_PASSWORD"] = TestGateway.Password,
            },
            TimeSpan.FromSeconds(150));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
