using System.Globalization;
using System.Text.Json.Nodes;
using Comet.Testing;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// One run of test/clients/browser/acks.js: real Chromium pages with our client against two gateways,
/// one with the default ack window ("wide") and one that keeps 5 unacknowledged personal messages per
/// user ("narrow"), so a page can be made to miss some. The tests read its report.
/// </summary>
public sealed class PersonalAcksRun : IAsyncLifetime
{
    /// <summary>How many unacknowledged personal messages per user the narrow gateway keeps.</summary>
    public const int NarrowWindow = 5;

    public JsonObject Report { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await using var wide = await TestGateway.StartAsync();
        await using var narrow = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Comet:Limits:AckWindowLength"] = NarrowWindow.ToString(CultureInfo.InvariantCulture),
        });
        Report = await BrowserRunner.RunAsync(
            "acks.js",
            new Dictionary<string, string>
            {
                ["WIDE_HTTP_PORT"] = wide.HttpPort.ToString(CultureInfo.InvariantCulture),
                ["WIDE_COMETQL_PORT"] = wide.CometQLPort.ToString(CultureInfo.InvariantCulture),
                ["NARROW_HTTP_PORT"] = narrow.HttpPort.ToString(CultureInfo.InvariantCulture),
                ["NARROW_COMETQL_PORT"] = narrow.CometQLPort.ToString(CultureInfo.InvariantCulture),
                ["COMETQL_PASSWORD"] = TestGateway.Password,
            },
            TimeSpan.FromSeconds(180));
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
