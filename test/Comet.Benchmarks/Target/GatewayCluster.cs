using System.Globalization;
using System.Net;
using Comet.Benchmarks.Cli;
using Comet.Testing;
using Comet.Testing.Redis;

namespace Comet.Benchmarks.Target;

/// <summary>
/// The system under test: gateways started here as separate Release processes (memory engine, or
/// <c>--redis</c> with <c>--nodes N</c> on one redis-server started here, or <c>--topology sentinel|cluster</c>
/// on a Sentinel set or a Redis Cluster started here), or an existing gateway given with
/// <c>--ws host:port --cometql host:port [--user u] [--password p] [--pid n]</c>.
/// </summary>
internal sealed class GatewayCluster : IAsyncDisposable
{
    private readonly List<GatewayProcess> _processes = [];
    private RedisServer? _redis;
    private RedisTopology? _topology;

    private GatewayCluster(string engine) => Engine = engine;

    public IReadOnlyList<GatewayNode> Nodes { get; private set; } = [];

    public string Engine { get; }

    /// <summary>The redis-server's process id when this run started it.</summary>
    public int? RedisPid { get; private set; }

    /// <summary>The redis-server the nodes share, when this run started one.</summary>
    public RedisServer? Redis => _redis;

    /// <summary>The Sentinel set or Cluster the nodes share, when this run started one.</summary>
    public RedisTopology? Topology => _topology;

    public IReadOnlyList<IPEndPoint> WebSocketEndpoints => [.. Nodes.Select(n => n.WebSocket)];

    /// <summary>The options that choose a target, read up front so unknown options are caught before starting.</summary>
    public sealed record Spec(bool Redis, string? Topology, int NodeCount, string? WebSocket, string? CometQL, string Password, string User, int? Pid, Dictionary<string, string> Settings)
    {
        public static Spec Read(BenchArgs args) => new(
            args.Flag("redis"),
            args.Optional("topology"),
            args.Int("nodes", 1),
            args.Optional("ws"),
            args.Optional("cometql"),
            args.String("password", TestGateway.Password),
            args.String("user", "root"),
            args.Optional("pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            args.Settings());

        public string Describe() =>
            WebSocket is not null ? "external" : Topology is { } topology ? $"{topology} x{NodeCount}" : Redis ? $"redis x{NodeCount}" : "memory";
    }

    public static async Task<GatewayCluster> StartAsync(Spec spec)
    {
        if (spec.WebSocket is not null)
        {
            var external = new GatewayCluster("external");
            var cometQL = IPEndPoint.Parse(spec.CometQL ?? throw new ArgumentException("--ws needs --cometql host:port too."));
            external.Nodes =
            [
                new GatewayNode("external", IPEndPoint.Parse(spec.WebSocket), cometQL, spec.Password, spec.Pid, spec.User),
            ];
            return external;
        }

        var cluster = new GatewayCluster(spec.Describe());
        try
        {
            var settings = new Dictionary<string, string>(spec.Settings, StringComparer.Ordinal);
            if (spec.Topology is { } topology)
            {
                cluster._topology = topology switch
                {
                    "sentinel" => await RedisSentinelSet.StartAsync(),
                    "cluster" => await RedisClusterSet.StartAsync(),
                    _ => throw new ArgumentException($"--topology takes sentinel or cluster, not '{topology}'."),
                };
                settings["Comet:Redis:Configuration"] = cluster._topology.Configuration;
            }
            else if (spec.Redis)
            {
                cluster._redis = await RedisServer.StartAsync();
                settings["Comet:Redis:Configuration"] = cluster._redis.Configuration;
                if (cluster._redis.IsOwned)
                {
                    // redis-server rewrites its title to "redis-server 127.0.0.1:<port>".
                    cluster.RedisPid = ChildProcesses.WithArguments("redis-server", ":" + cluster._redis.Port.ToString(CultureInfo.InvariantCulture));
                }
            }
            var nodes = new List<GatewayNode>();
            for (var i = 0; i < Math.Max(1, spec.NodeCount); i++)
            {
                var process = await GatewayProcess.StartAsync($"bench{i}", settings);
                cluster._processes.Add(process);
                var pid = ChildProcesses.WithEnvironment($"ASPNETCORE_URLS=http://127.0.0.1:{process.HttpPort}");
                nodes.Add(new GatewayNode(process.NodeName, new IPEndPoint(IPAddress.Loopback, process.HttpPort),
                    new IPEndPoint(IPAddress.Loopback, process.CometQLPort), TestGateway.Password, pid));
            }
            cluster.Nodes = nodes;
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the gateways printed (warnings and errors), for a failed run's report.</summary>
    public string Output => string.Join("\n", _processes.Select(p => $"--- {p.NodeName}\n{p.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}
