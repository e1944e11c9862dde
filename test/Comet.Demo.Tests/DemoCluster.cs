using System.Globalization;
using Comet.Testing;
using Microsoft.AspNetCore.Builder;

namespace Comet.Demo.Tests;

/// <summary>
/// The demo as a newcomer runs it, but on a cluster: two gateway processes on one redis-server and the
/// demo backend (in this process, on a free port) talking CometQL to node A, handing its pages both nodes.
/// </summary>
public sealed class DemoCluster : IAsyncDisposable
{
    private readonly RedisServer _redis;
    private readonly GatewayProcess _nodeA;
    private readonly GatewayProcess _nodeB;
    private readonly WebApplication _demo;

    private DemoCluster(RedisServer redis, GatewayProcess nodeA, GatewayProcess nodeB, WebApplication demo, Uri demoUri)
    {
        _redis = redis;
        _nodeA = nodeA;
        _nodeB = nodeB;
        _demo = demo;
        DemoUri = demoUri;
    }

    public Uri DemoUri { get; }

    public IReadOnlyList<string> Nodes => [$"127.0.0.1:{_nodeA.HttpPort}", $"127.0.0.1:{_nodeB.HttpPort}"];

    public static async Task<DemoCluster> StartAsync(IReadOnlyDictionary<string, string>? demoSettings = null)
    {
        var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = redis.Configuration,
            ["Comet:Redis:Prefix"] = "demo" + Guid.NewGuid().ToString("N")[..16],
        };
        var nodeA = await GatewayProcess.StartAsync("demo-a", settings);
        var nodeB = await GatewayProcess.StartAsync("demo-b", settings);
        var port = FreePort.Next();
        var args = new List<string>
        {
            "--environment", "Production",
            "--urls", $"http://127.0.0.1:{port}",
            "--Demo:CometQLPort", nodeA.CometQLPort.ToString(CultureInfo.InvariantCulture),
            "--Demo:Password", TestGateway.Password,
            "--Demo:GatewayNodes:0", $"127.0.0.1:{nodeA.HttpPort}",
            "--Demo:GatewayNodes:1", $"127.0.0.1:{nodeB.HttpPort}",
            "--Logging:LogLevel:Default", "Warning",
        };
        foreach (var (key, value) in demoSettings ?? new Dictionary<string, string>())
        {
            args.Add("--" + key);
            args.Add(value);
        }
        var demo = DemoApp.Build([.. args]);
        await demo.StartAsync();
        return new DemoCluster(redis, nodeA, nodeB, demo, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _demo.StopAsync();
        await _demo.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _nodeA.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
