using Comet.Core.Options;
using Comet.Testing.Conformance;

namespace Comet.Redis.Tests;

/// <summary>Several Redis engines in one process sharing one Redis and one key prefix: a cluster of nodes.</summary>
internal sealed class EngineCluster : IAsyncDisposable
{
    private readonly RedisFixture _redis;
    private readonly LimitsOptions _limits;
    private readonly List<Node> _nodes = [];

    private EngineCluster(RedisFixture redis, LimitsOptions limits)
    {
        _redis = redis;
        _limits = limits;
        Prefix = RedisFixture.NewPrefix();
    }

    public string Prefix { get; }

    public static async Task<(EngineCluster Cluster, Node[] Nodes)> StartAsync(RedisFixture redis, int count, Action<LimitsOptions>? configure = null)
    {
        var limits = new LimitsOptions();
        configure?.Invoke(limits);
        var cluster = new EngineCluster(redis, limits);
        var nodes = new Node[count];
        for (var i = 0; i < count; i++)
        {
            nodes[i] = await cluster.AddNodeAsync($"node{i + 1}");
        }
        return (cluster, nodes);
    }

    public async Task<Node> AddNodeAsync(string name)
    {
        var engine = _redis.CreateEngine(Prefix, name, _limits);
        var delivery = new RecordingDelivery();
        await engine.StartAsync(delivery, CancellationToken.None);
        var node = new Node(name, engine, delivery);
        _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.Engine.StopAsync(CancellationToken.None);
        }
    }

    internal sealed record Node(string Name, RedisEngine Engine, RecordingDelivery Delivery);
}
