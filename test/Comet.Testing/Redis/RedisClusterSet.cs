using System.Globalization;

namespace Comet.Testing.Redis;

/// <summary>
/// A Redis Cluster of three masters, each with one replica, on loopback. Fast failure detection
/// (cluster-node-timeout 2 s), and each shard serves its slots while another fails over
/// (cluster-require-full-coverage no, what docs/redis.md recommends).
/// </summary>
public sealed class RedisClusterSet : RedisTopology
{
    private readonly List<RedisProcess> _servers = [];

    private RedisClusterSet()
    {
    }

    public override string Kind => "cluster";

    public override string Configuration => string.Join(',', _servers.Take(3).Select(s => s.Address));

    public override IReadOnlyList<RedisProcess> DataServers => _servers;

    public static async Task<RedisClusterSet> StartAsync()
    {
        var cluster = new RedisClusterSet();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                var server = new RedisProcess(cluster.Folder("node" + i), [
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no",
                    "--cluster-replica-validity-factor", "0",
                    "--enable-debug-command", "local", "--save", "", "--appendonly", "no",
                    "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
                ]);
                cluster._servers.Add(server);
            }
            await Task.WhenAll(cluster._servers.Select(s => s.StartAsync()));
            var create = await ProcessRunner.RunAsync(RequiredTool.RedisCli,
                ["--cluster", "create", .. cluster._servers.Select(s => s.Address), "--cluster-replicas", "1", "--cluster-yes"]);
            if (create.ExitCode != 0)
            {
                throw new InvalidOperationException("redis-cli --cluster create failed: " + create.StandardOutput + create.StandardError);
            }
            await cluster.HealAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public override async Task<RedisProcess> MasterForAsync(string key)
    {
        var any = _servers.First(s => s.IsRunning);
        var slot = (long)(await any.ExecuteAsync("CLUSTER", "KEYSLOT", key))!;
        var nodes = await NodesAsync(any);
        var master = nodes.First(n => n.IsMaster && !n.Failed && n.Slots.Any(r => slot >= r.From && slot <= r.To));
        return ByAddress(master.Address);
    }

    public override async Task<RedisProcess> ReplicaOfAsync(RedisProcess master)
    {
        var nodes = await NodesAsync(_servers.First(s => s.IsRunning));
        var id = nodes.First(n => n.Address == master.Address).Id;
        return ByAddress(nodes.First(n => n.MasterId == id && !n.Failed).Address);
    }

    public override async Task HealAsync()
    {
        foreach (var server in _servers.Where(s => !s.IsRunning))
        {
            await server.StartAsync();
        }
        // Every node sees the cluster whole, and every master has a replica whose link is up.
        await UntilAsync(async () =>
        {
            foreach (var server in _servers)
            {
                var info = (string)(await server.ExecuteAsync("CLUSTER", "INFO"))!;
                if (!info.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            var nodes = await NodesAsync(_servers[0]);
            var masters = nodes.Where(n => n.IsMaster && n.Slots.Count > 0).ToList();
            if (masters.Count != 3 || nodes.Any(n => n.Failed))
            {
                return false;
            }
            foreach (var master in masters)
            {
                var replica = nodes.FirstOrDefault(n => n.MasterId == master.Id);
                if (replica is null)
                {
                    return false;
                }
                var replication = (string)(await ByAddress(replica.Address).ExecuteAsync("INFO", "replication"))!;
                if (!replication.Contains("master_link_status:up", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }, "cluster_state ok on every node and every master with a replica in sync", TimeSpan.FromSeconds(60));
    }

    protected override Task StartManualFailoverAsync(RedisProcess replica) => replica.ExecuteAsync("CLUSTER", "FAILOVER");

    private RedisProcess ByAddress(string address) => _servers.First(s => s.Address == address);

    private static async Task<List<ClusterNode>> NodesAsync(RedisProcess server)
    {
        var text = (string)(await server.ExecuteAsync("CLUSTER", "NODES"))!;
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ClusterNode.Parse).ToList();
    }

    /// <summary>A line of CLUSTER NODES.</summary>
    private sealed record ClusterNode(string Id, string Address, bool IsMaster, bool Failed, string MasterId, List<(long From, long To)> Slots)
    {
        public static ClusterNode Parse(string line)
        {
            var fields = line.Trim().Split(' ');
            var address = fields[1].Split('@')[0];
            var flags = fields[2].Split(',');
            var slots = fields.Skip(8).Where(f => !f.StartsWith('[')).Select(f =>
            {
                var range = f.Split('-');
                var from = long.Parse(range[0], CultureInfo.InvariantCulture);
                return (from, range.Length > 1 ? long.Parse(range[1], CultureInfo.InvariantCulture) : from);
            }).ToList();
            return new ClusterNode(fields[0], address, flags.Contains("master"), flags.Contains("fail") || flags.Contains("fail?"), fields[3], slots);
        }
    }
}
