using Comet.Core.Diagnostics;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.WebSockets.Tests;

public sealed class ClientRecordTests
{
    [Fact]
    public async Task X_forwarded_for_is_used_only_when_the_proxy_is_trusted()
    {
        foreach (var (trusted, expected) in new[] { (false, "127.0.0.1"), (true, "203.0.113.9") })
        {
            await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
            {
                ["Comet:WebSocket:TrustForwardedFor"] = trusted ? "true" : "false",
            });
            await using var client = await CometWebSocketClient.ConnectAsync(gateway, CometWebSocketClient.Path(),
                o => o.SetRequestHeader("X-Forwarded-For", "203.0.113.9, 10.0.0.1"));
            await client.ReceiveAsync();
            await client.SendAsync("subscription\nweb_ip");
            await Wait.UntilAsync(async () => (await gateway.Engine().Presence.CountSubscribersAsync(0, ["web_ip"]))[0].Count == 1, "subscribed");

            Assert.Equal(expected, Assert.Single(await gateway.Engine().Presence.GetSubscribersAsync(0, "web_ip")).Ip);
        }
    }

    [Fact]
    public async Task The_open_connections_gauge_follows_opens_and_closes()
    {
        await using var gateway = await TestGateway.StartAsync();
        // The gauge and the node count one node's connections: the client connects to that node.
        var node = gateway.LastNode();
        var metrics = node.Services.GetRequiredService<CometMetrics>();

        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(node, CometWebSocketClient.Path());
        Assert.Equal(1, metrics.WebSocketConnections);
        Assert.Equal(1, node.CometNode().ClientCount);

        await client.DisposeAsync();
        await Wait.UntilAsync(() => Task.FromResult(metrics.WebSocketConnections == 0 && node.CometNode().ClientCount == 0), "the connection is gone");
    }
}
