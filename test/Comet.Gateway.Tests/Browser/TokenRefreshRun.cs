using System.Globalization;
using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// One run of test/clients/browser/refresh.js: real Chromium pages with our client and short-lived JWTs
/// against a gateway that warns 2 s before a token expires. The tests read its report.
/// </summary>
public sealed class TokenRefreshRun : IAsyncLifetime
{
    public JsonObject Report { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:WebSocket:TokenExpiryWarning"] = "00:00:02",
        });
        Report = await BrowserRunner.RunAsync(
            "refresh.js",
            new Dictionary<string, string>
            {
                ["GATEWAY_HTTP_PORT"] = gateway.HttpPort.ToString(CultureInfo.InvariantCulture),
                ["COMETQL_PORT"] = gateway.CometQLPort.ToString(CultureInfo.InvariantCulture),
                ["COMETQL_PASSWORD"] = TestGateway.Password,
            },
            TimeSpan.FromSeconds(120));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
