using System.Globalization;
using System.Net;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Gateway.Tests.Browser;

/// <summary>
/// The status page on the management port, opened in headless Chromium by test/clients/browser/status.js
/// against two gateway processes on one Redis with connected clients and a publishing backend.
/// Screenshots: TestResults/screenshots/status-page.
/// </summary>
public sealed class StatusPageInChromiumTests
{
    private static string ScreenshotDirectory => Path.Combine(RepositoryRoot.Path, "TestResults", "screenshots", "status-page");

    [Fact]
    public async Task The_page_needs_the_dev_key_and_shows_the_nodes_connections_top_pipes_and_live_rates()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string> { ["Comet:Redis:Configuration"] = redis.Configuration };
        await using var nodeA = await GatewayProcess.StartAsync("status-a", settings);
        await using var nodeB = await GatewayProcess.StartAsync("status-b", settings);
        await using var first = await CometWebSocketClient.ConnectAsync(nodeA, uuid: CometWebSocketClient.NewUuid());
        await using var second = await CometWebSocketClient.ConnectAsync(nodeA, uuid: CometWebSocketClient.NewUuid());
        foreach (var client in new[] { first, second })
        {
            await client.ReceiveAsync(TimeSpan.FromSeconds(30));
            await client.SendAsync("subscription\nweb_status_top");
        }

        var report = await BrowserRunner.RunAsync("status.js", new Dictionary<string, string>
        {
            ["STATUS_URL"] = new Uri(nodeA.ManagementUri, "/status").ToString(),
            ["DEV_KEY"] = TestGateway.Password,
            ["COMETQL_PORT"] = nodeA.CometQLPort.ToString(CultureInfo.InvariantCulture),
            ["SCREENSHOT_DIR"] = ScreenshotDirectory,
            ["EXPECTED_NODES"] = "status-a,status-b",
        }, TimeSpan.FromSeconds(120));

        Assert.Equal(401, (int)report["withoutKeyStatus"]!);
        Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", (string)report["withoutKeyShown"]!, StringComparison.Ordinal);
        Assert.Empty(report["pageErrors"]!.AsArray());
        Assert.Equal("status-a", (string)report["node"]!);
        Assert.Equal("redis", (string)report["engine"]!);
        Assert.Equal("ready", (string)report["ready"]!);
        Assert.Equal(2, (int)report["websockets"]!);
        Assert.True((int)report["cometql"]! >= 1);
        Assert.True((double)report["pipeRate"]! > 0);
        var nodes = report["nodes"]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Contains("status-a (this node)", nodes);
        Assert.Contains("status-b", nodes);
        var top = report["topPipes"]!.AsArray()[0]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(["0", "web_status_top", "2"], top);
        Assert.True((int)report["chartPixels"]! > 100, "the rate chart drew nothing");
        Assert.True(File.Exists((string)report["screenshots"]![0]!));
    }

    [Fact]
    public async Task The_public_port_has_no_status_page_and_a_wrong_key_is_refused()
    {
        await using var node = await GatewayProcess.StartAsync("status-c");
        using var http = new HttpClient();

        using var publicPort = await http.GetAsync(new Uri(node.HttpUri, "/status/data"));
        Assert.Equal(HttpStatusCode.NotFound, publicPort.StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri(node.ManagementUri, "/status/data"));
        wrong.Headers.Authorization = new("Basic", Convert.ToBase64String("admin:not-the-key"u8.ToArray()));
        using var refused = await http.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.StartsWith("Basic", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        using var right = new HttpRequestMessage(HttpMethod.Get, new Uri(node.ManagementUri, "/status/data"));
        right.Headers.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + TestGateway.Password)));
        using var allowed = await http.SendAsync(right);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("\"node\":\"status-c\"", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
