using System.Globalization;

namespace Comet.Testing;

/// <summary>
/// Gateways as separate processes on one Redis (a server, a Sentinel set or a Cluster) with one key
/// prefix of their own: a cluster as an operator runs it, on loopback. Leases are short (heartbeat
/// 250 ms, lease 1.5 s) unless <c>settings</c> say otherwise, so that tests of dying nodes finish quickly.
/// </summary>
public sealed class GatewayProcessCluster : IAsyncDisposable
{
    private static int s_clusters;
    private readonly Dictionary<string, string> _settings;
    private readonly List<GatewayProcess> _nodes = [];

    private GatewayProcessCluster(Dictionary<string, string> settings, string prefix)
    {
        _settings = settings;
        Prefix = prefix;
    }

    /// <summary>The key prefix the nodes share (no other cluster uses it); it also ends every node's name.</summary>
    public string Prefix { get; }

    public IReadOnlyList<GatewayProcess> Nodes
    {
        get
        {
            lock (_nodes)
            {
                return [.. _nodes];
            }
        }
    }

    /// <summary>Starts <paramref name="count"/> gateways (n1, n2, …) on the Redis of <paramref name="redisConfiguration"/>;
    /// <paramref name="settings"/> are configuration keys for every node.</summary>
    public static async Task<GatewayProcessCluster> StartAsync(string redisConfiguration, int count, IReadOnlyDictionary<string, string>? settings = null)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"g{Environment.ProcessId}x{Interlocked.Increment(ref s_clusters)}");
        var all = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Comet:Redis:HeartbeatInterval"] = "00:00:00.250",
            ["Comet:Redis:NodeLeaseTtl"] = "00:00:01.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        all["Comet:Redis:Configuration"] = redisConfiguration;
        all["Comet:Redis:Prefix"] = prefix;
        var cluster = new GatewayProcessCluster(all, prefix);
        try
        {
            await Task.WhenAll(Enumerable.Range(1, count).Select(i => cluster.AddAsync(string.Create(CultureInfo.InvariantCulture, $"n{i}"))));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Starts one more node; a name used before (with <see cref="Prefix"/> removed) restarts that node.</summary>
    public async Task<GatewayProcess> AddAsync(string name)
    {
        var node = await GatewayProcess.StartAsync(name + Prefix, _settings);
        lock (_nodes)
        {
            _nodes.Add(node);
        }
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
