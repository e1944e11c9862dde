using Comet.Testing;

namespace Comet.Redis.Tests.EndToEnd;

/// <summary>Gateways as separate processes on one real redis-server, each with the same key prefix.</summary>
internal sealed class GatewayCluster : IAsyncDisposable
{
    private readonly List<GatewayProcess> _nodes = [];

    private GatewayCluster(RedisServer redis, string prefix)
    {
        Redis = redis;
        Prefix = prefix;
    }

    public RedisServer Redis { get; }
    public string Prefix { get; }
    public IReadOnlyList<GatewayProcess> Nodes => _nodes;

    public static async Task<GatewayCluster> StartAsync(RedisServer redis, int count)
    {
        var cluster = new GatewayCluster(redis, RedisFixture.NewPrefix());
        try
        {
            await Task.WhenAll(Enumerable.Range(1, count).Select(i => cluster.AddAsync($"n{i}")));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public async Task<GatewayProcess> AddAsync(string name)
    {
        var node = await GatewayProcess.StartAsync(name + Prefix, new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = Redis.Configuration,
            ["Comet:Redis:Prefix"] = Prefix,
            ["Comet:Redis:HeartbeatInterval"] = "00:00:00.250",
            ["Comet:Redis:NodeLeaseTtl"] = "00:00:01.500",
        });
        lock (_nodes)
        {
            _nodes.Add(node);
        }
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
