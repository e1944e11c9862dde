using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Gateway.Tests;

/// <summary>The graceful stop of a real gateway process on SIGTERM, as a load balancer and its clients see it.</summary>
public sealed class DrainTests
{
    private const WebSocketCloseStatus ServiceRestart = (WebSocketCloseStatus)1012;
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(15);

    private static Dictionary<string, string> DrainSettings(TimeSpan delay, TimeSpan window) => new()
    {
        ["Comet:Drain:Delay"] = delay.ToString("c", CultureInfo.InvariantCulture),
        ["Comet:Drain:Window"] = window.ToString("c", CultureInfo.InvariantCulture),
        ["Comet:Drain:Timeout"] = Timeout.ToString("c", CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Comet.Gateway.Drain"] = "Information",
    };

    [Fact]
    public async Task Sigterm_turns_readiness_false_refuses_new_websockets_closes_open_ones_with_1012_over_the_window_and_exits_0()
    {
        await using var node = await GatewayProcess.StartAsync("drain-node", DrainSettings(Delay, Window));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var ready = new Uri(node.HttpUri, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(ready)).StatusCode);
        const int count = 4;
        var clients = new List<CometWebSocketClient>();
        for (var i = 0; i < count; i++)
        {
            clients.Add(await CometWebSocketClient.ConnectAndGreetAsync(node, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid())));
        }
        var clock = Stopwatch.StartNew();
        var closes = clients.Select(async client => (Status: await client.WaitForCloseAsync(Timeout + Slack), At: clock.Elapsed)).ToList();

        node.Terminate();

        // Readiness is false at once, while the WebSockets are still open (their closes start after Delay).
        using (var response = await Wait.UntilAsync(() => http.GetAsync(ready), r => r.StatusCode == HttpStatusCode.ServiceUnavailable, "readiness to turn false"))
        {
            Assert.Equal("draining", await response.Content.ReadAsStringAsync());
        }
        Assert.All(clients, client => Assert.True(client.IsOpen, "readiness turned false before the first WebSocket close"));
        // A new WebSocket gets a plain HTTP 503 with Retry-After instead of the upgrade.
        using (var refused = new ClientWebSocket())
        {
            refused.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(
                new Uri(node.WebSocketUri, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid())), CancellationToken.None));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.HttpStatusCode);
            Assert.True(refused.HttpResponseHeaders!.ContainsKey("Retry-After"), "Retry-After is set");
        }

        var results = await Task.WhenAll(closes);
        Assert.All(results, r => Assert.Equal(ServiceRestart, r.Status));
        // Spread over the window, not all at once: the i-th of n closes Delay + Window × i / n after the
        // signal at the earliest, so the last one cannot come before Delay + Window × (n - 1) / n.
        var last = results.Max(r => r.At);
        Assert.True(last >= Delay + (Window * (count - 1) / count) - TimeSpan.FromMilliseconds(100), $"the last close came {last} after SIGTERM");
        Assert.Equal(0, await node.WaitForExitAsync(Timeout + Slack));
        Assert.Contains("Drain started", node.Output, StringComparison.Ordinal);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task On_redis_another_node_sees_the_drained_nodes_users_go_offline()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string>(DrainSettings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)))
        {
            ["Comet:Redis:Configuration"] = redis.Configuration,
            ["Comet:Redis:Prefix"] = "drain" + Guid.NewGuid().ToString("N")[..8],
            // Far longer than the test: only the drain itself can take the users offline, not a lease expiry.
            ["Comet:Redis:NodeLeaseTtl"] = "00:05:00",
        };
        await using var draining = await GatewayProcess.StartAsync("drain-a", settings);
        await using var staying = await GatewayProcess.StartAsync("drain-b", settings);
        await CometQLBackend.ExecuteAsync(staying, "INSERT INTO users_auth (id, hash) VALUES (7, 'h7')");
        await using var user = await CometWebSocketClient.ConnectAndGreetAsync(draining, CometWebSocketClient.Path("h7", 7, uuid: CometWebSocketClient.NewUuid()));
        Assert.Equal([["7", "0"]], await CometQLBackend.RowsAsync(staying, "SELECT id, time FROM users_time WHERE id = 7"));

        draining.Terminate();

        Assert.Equal(ServiceRestart, await user.WaitForCloseAsync(Timeout + Slack));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var offline = await Wait.UntilAsync(() => CometQLBackend.RowsAsync(staying, "SELECT id, time FROM users_time WHERE id = 7"),
            rows => rows.Count == 1 && rows[0][1] != "0", "user 7 to go offline");
        Assert.InRange(long.Parse(offline[0][1]!, CultureInfo.InvariantCulture), now - 60, now + 5);
        Assert.Equal(0, await draining.WaitForExitAsync(Timeout + Slack));
    }

    [Fact]
    public async Task A_drain_longer_than_its_hard_bound_fails_start_and_names_the_setting()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll");

        var result = await ProcessRunner.RunAsync("dotnet",
            [dll, "--urls", "http://127.0.0.1:0", "--Comet:CometQL:Port", "0", "--Comet:Password", "x",
                "--Comet:Drain:Delay", "00:00:10", "--Comet:Drain:Window", "00:00:20", "--Comet:Drain:Timeout", "00:00:30"],
            environment: new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" },
            timeout: TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Comet:Drain:Timeout", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }
}
