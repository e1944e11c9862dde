using Comet.Core.Options;

namespace Comet.Redis.Tests;

/// <summary>Several nodes on the Redis engine in one process, sharing one Redis and one key prefix: a cluster.</summary>
internal sealed class EngineCluster : IAsyncDisposable
{
    private readonly RedisFixture _redis;
    private readonly LimitsOptions _limits;
    private readonly List<RedisNode> _nodes = [];

    private EngineCluster(RedisFixture redis, LimitsOptions limits)
    {
        _redis = redis;
        _limits = limits;
        Prefix = RedisFixture.NewPrefix();
    }

    public string Prefix { get; }

    public static async Task<(EngineCluster Cluster, RedisNode[] Nodes)> StartAsync(RedisFixture redis, int count, Action<LimitsOptions>? configure = null)
    {
        var limits = new LimitsOptions();
        configure?.Invoke(limits);
        var cluster = new EngineCluster(redis, limits);
        var nodes = new RedisNode[count];
        for (var i = 0; i < count; i++)
        {
            nodes[i] = await cluster.AddNodeAsync($"node{i + 1}");
        }
        return (cluster, nodes);
    }

    public async Task<RedisNode> AddNodeAsync(string name)
    {
        var node = await RedisNode.StartAsync(_redis.Options(Prefix), name, _limits);
        _nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
