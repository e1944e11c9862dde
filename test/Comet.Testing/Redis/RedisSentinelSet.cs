using System.Globalization;

namespace Comet.Testing.Redis;

/// <summary>
/// A Sentinel set on loopback: one master, one replica and three sentinels watching the service
/// <see cref="ServiceName"/> (quorum 2, a master is down after 5 s without answers, the value of Redis's
/// Sentinel tutorial: a gateway gives up on a silent connection sooner, after four command timeouts).
/// </summary>
public sealed class RedisSentinelSet : RedisTopology
{
    public const string ServiceName = "comet";

    private readonly List<RedisProcess> _data = [];
    private readonly List<RedisProcess> _sentinels = [];

    private RedisSentinelSet()
    {
    }

    public override string Kind => "sentinel";

    public override string Configuration =>
        string.Join(',', _sentinels.Select(s => s.Address)) + ",serviceName=" + ServiceName;

    public override IReadOnlyList<RedisProcess> DataServers => _data;

    public override IEnumerable<RedisProcess> Processes => _data.Concat(_sentinels);

    public static async Task<RedisSentinelSet> StartAsync()
    {
        var set = new RedisSentinelSet();
        try
        {
            var master = set.DataServer("data0", replicaOf: null);
            set._data.Add(master);
            await master.StartAsync();
            var replica = set.DataServer("data1", replicaOf: master);
            set._data.Add(replica);
            await replica.StartAsync();
            for (var i = 0; i < 3; i++)
            {
                var folder = set.Folder("sentinel" + i);
                Directory.CreateDirectory(folder);
                var config = Path.Combine(folder, "sentinel.conf");
                await File.WriteAllTextAsync(config, string.Join('\n',
                    $"sentinel monitor {ServiceName} 127.0.0.1 {master.Port.ToString(CultureInfo.InvariantCulture)} 2",
                    $"sentinel down-after-milliseconds {ServiceName} 5000",
                    $"sentinel failover-timeout {ServiceName} 4000",
                    $"sentinel parallel-syncs {ServiceName} 1",
                    ""));
                var sentinel = new RedisProcess(folder, [config, "--sentinel"]);
                set._sentinels.Add(sentinel);
                await sentinel.StartAsync();
            }
            await set.HealAsync();
            return set;
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }
    }

    public override async Task<RedisProcess> MasterForAsync(string key)
    {
        var reply = (object?[])(await _sentinels.First(s => s.IsRunning).ExecuteAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName))!;
        var port = int.Parse((string)reply[1]!, CultureInfo.InvariantCulture);
        return _data.FirstOrDefault(s => s.Port == port)
            ?? throw new InvalidOperationException($"The sentinels name {reply[0]}:{reply[1]} as master, not one of {string.Join(", ", _data.Select(d => d.Address))}.");
    }

    public override async Task<RedisProcess> ReplicaOfAsync(RedisProcess master) =>
        _data.First(s => s != master);

    public override async Task HealAsync()
    {
        var master = await MasterForAsync("");
        foreach (var server in _data.Where(s => !s.IsRunning).ToList())
        {
            // Back as a replica of the current master, so that it never serves as an empty master.
            var replacement = DataServer(Path.GetFileName(server.Directory), replicaOf: master, port: server.Port);
            _data[_data.IndexOf(server)] = replacement;
            await replacement.StartAsync();
        }
        // Every sentinel names the same master and knows its replica and its peers (so that the next
        // failover can be agreed on), and the replica's link to that master is up. (The sentinels' own
        // view of the link is refreshed every 10 s only, so the servers are asked directly.)
        await UntilAsync(async () =>
        {
            var named = new HashSet<string>();
            foreach (var sentinel in _sentinels)
            {
                var reply = (object?[])(await sentinel.ExecuteAsync("SENTINEL", "GET-MASTER-ADDR-BY-NAME", ServiceName))!;
                named.Add((string)reply[1]!);
                var replicas = (object?[])(await sentinel.ExecuteAsync("SENTINEL", "REPLICAS", ServiceName))!;
                var peers = (object?[])(await sentinel.ExecuteAsync("SENTINEL", "SENTINELS", ServiceName))!;
                if (!replicas.Cast<object?[]>().Any(r => Field(r, "flags") == "slave") || peers.Length < 2)
                {
                    return false;
                }
            }
            if (named.Count != 1)
            {
                return false;
            }
            var current = _data.First(s => s.Port.ToString(CultureInfo.InvariantCulture) == named.Single());
            var replica = _data.First(s => s != current);
            var master = (string)(await current.ExecuteAsync("INFO", "replication"))!;
            var link = (string)(await replica.ExecuteAsync("INFO", "replication"))!;
            return master.Contains("role:master", StringComparison.Ordinal)
                && link.Contains("master_link_status:up", StringComparison.Ordinal)
                && link.Contains("master_port:" + current.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }, "every sentinel to agree on a master whose replica is in sync", TimeSpan.FromSeconds(60));
    }

    protected override Task StartManualFailoverAsync(RedisProcess replica) =>
        _sentinels.First(s => s.IsRunning).ExecuteAsync("SENTINEL", "FAILOVER", ServiceName);

    public override async ValueTask DisposeAsync()
    {
        foreach (var sentinel in _sentinels)
        {
            sentinel.Kill();
        }
        await base.DisposeAsync();
    }

    private RedisProcess DataServer(string name, RedisProcess? replicaOf, int? port = null) =>
        new(Folder(name), [
            "--enable-debug-command", "local", "--save", "", "--appendonly", "no",
            "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0",
            .. replicaOf is null ? Array.Empty<string>() : ["--replicaof", "127.0.0.1", replicaOf.Port.ToString(CultureInfo.InvariantCulture)],
        ], port);

    private static string? Field(object?[] pairs, string name)
    {
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            if ((string?)pairs[i] == name)
            {
                return (string?)pairs[i + 1];
            }
        }
        return null;
    }
}
