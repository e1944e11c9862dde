using System.Globalization;
using Comet.Core.Engine;
using Comet.Testing;
using Comet.WebSockets.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.WebSockets.Tests;

/// <summary>
/// The harness itself: with COMET_TEST_NODES=n every test here really runs on n gateways sharing one
/// Redis, clients spread over them; without it, on one in-memory gateway.
/// </summary>
public sealed class TestGatewayModeTests
{
    private static int RequestedNodes() =>
        int.TryParse(Environment.GetEnvironmentVariable(TestGateway.NodesVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 1 ? n : 1;

    [Fact]
    public async Task Clients_are_spread_round_robin_over_the_requested_nodes()
    {
        await using var gateway = await TestGateway.StartAsync();
        var nodes = RequestedNodes();

        Assert.Equal(nodes, gateway.NodeCount);
        var ports = Enumerable.Range(0, nodes * 2).Select(_ => gateway.HttpPort).ToList();
        Assert.Equal(nodes, ports.Distinct().Count());
        Assert.Equal(ports.Take(nodes), ports.Skip(nodes));
        var names = Enumerable.Range(0, nodes).Select(i => gateway.Node(i).NodeName()).ToList();
        Assert.Equal(nodes, names.Distinct().Count());

        var engine = gateway.Engine().GetType().FullName!;
        Assert.True(gateway.IsCluster == engine.StartsWith("Comet.Redis.", StringComparison.Ordinal), $"{nodes} node(s) run on {engine}");
    }

    [Fact]
    public async Task Each_gateway_instance_has_its_own_state()
    {
        await using var first = await TestGateway.StartAsync();
        await using var second = await TestGateway.StartAsync();
        await using var client = await CometWebSocketClient.ConnectAndGreetAsync(first, CometWebSocketClient.Path());
        await client.SendAsync("subscription\nweb_isolated");
        await Wait.UntilAsync(async () => (await first.Engine().Presence.CountSubscribersAsync(0, ["web_isolated"]))[0].Count == 1, "subscribed");

        Assert.Equal(0, (await second.Engine().Presence.CountSubscribersAsync(0, ["web_isolated"]))[0].Count);
        Assert.Same(first.Services.GetRequiredService<ICometEngine>(), first.Node(0).Services.GetRequiredService<ICometEngine>());
    }
}
