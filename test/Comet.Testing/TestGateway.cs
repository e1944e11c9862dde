using System.Globalization;
using Comet.Gateway;
using Comet.Gateway.Management;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Testing;

/// <summary>
/// A real gateway in the test process: Kestrel on free loopback ports, real sockets, the real
/// configuration path (command-line settings). Use <see cref="GatewayProcess"/> when a test must
/// kill a node.
/// <para>
/// Cluster mode: with the environment variable <c>COMET_TEST_NODES=n</c> (n &gt;= 2),
/// <see cref="StartAsync"/> starts n in-process gateways (NodeName test-1..test-n) on one real Redis
/// shared by the test process (one redis-server, or the Sentinel set or Cluster that
/// <c>COMET_TEST_TOPOLOGY</c> asks for: <see cref="SharedRedisTopology"/>), with a Redis key prefix unique to this instance so
/// tests stay isolated. <see cref="HttpPort"/>, <see cref="HttpUri"/>, <see cref="WebSocketUri"/>,
/// <see cref="CometQLPort"/> and <see cref="ConnectionString"/> then hand out the nodes
/// round-robin, so consecutive clients and backend connections land on different nodes;
/// <see cref="Services"/> is node 1 (the engine is cluster-wide). <see cref="Node"/> pins a
/// test to one node. Settings that choose their own Redis or node name get a single gateway.
/// </para>
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    /// <summary>The key tests log in with (CometQL password, JWT secret prefix).</summary>
    public const string Password = "CometQLPassword";

    /// <summary>The environment variable that switches on cluster mode (number of nodes).</summary>
    public const string NodesVariable = "COMET_TEST_NODES";

    private static int _instances;

    private readonly IReadOnlyList<GatewayNode> _nodes;
    private readonly bool _ownsNodes;
    private int _nextHttp = -1;
    private int _nextCometQL = -1;

    private TestGateway(IReadOnlyList<GatewayNode> nodes, bool ownsNodes)
    {
        _nodes = nodes;
        _ownsNodes = ownsNodes;
    }

    /// <summary>How many gateways serve this instance (1 unless in cluster mode).</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>True when several gateways on one Redis serve this instance.</summary>
    public bool IsCluster => _nodes.Count > 1;

    /// <summary>The HTTP/WebSocket port of the next node (round-robin in cluster mode).</summary>
    public int HttpPort => NextNode(ref _nextHttp).HttpPort;

    /// <summary>The CometQL port of the next node (round-robin in cluster mode).</summary>
    public int CometQLPort => NextNode(ref _nextCometQL).CometQLPort;

    /// <summary>Node 1's services; the engine behind them is cluster-wide.</summary>
    public IServiceProvider Services => _nodes[0].App.Services;

    public Uri HttpUri => new($"http://127.0.0.1:{HttpPort}");
    public Uri WebSocketUri => new($"ws://127.0.0.1:{HttpPort}");

    /// <summary>True when the environment asks for cluster mode.</summary>
    public static bool ClusterModeRequested => RequestedNodes() > 1;

    /// <summary>A view of one node (0-based) whose ports and services are that node's only; it does
    /// not stop the node when disposed.</summary>
    public TestGateway Node(int index) => new([_nodes[index]], ownsNodes: false);

    /// <summary>A MySql.Data / ADO.NET connection string for dev_id <paramref name="user"/>.</summary>
    public string ConnectionString(string user = "root", string password = Password, string database = "CometQL_v1") =>
        $"Server=127.0.0.1;Port={CometQLPort};User Id={user};Password={password};Database={database};SslMode=None;AllowPublicKeyRetrieval=true;Pooling=false";

    /// <summary>Starts a gateway (or a cluster, see the class comment); <paramref name="settings"/> are
    /// configuration keys such as <c>Comet:Limits:MaxConnectionsPerUser</c>.</summary>
    public static async Task<TestGateway> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        settings ??= new Dictionary<string, string>();
        var nodes = RequestedNodes();
        if (nodes < 2 || settings.ContainsKey("Comet:Redis:Configuration") || settings.ContainsKey("Comet:NodeName"))
        {
            return new TestGateway([await GatewayNode.StartAsync(settings, nodeName: "test")], ownsNodes: true);
        }

        var redis = await SharedRedisTopology.ConfigurationAsync();
        var prefix = string.Create(CultureInfo.InvariantCulture, $"t{Environment.ProcessId}-{Interlocked.Increment(ref _instances)}");
        var started = new List<GatewayNode>(nodes);
        try
        {
            for (var i = 1; i <= nodes; i++)
            {
                var nodeSettings = new Dictionary<string, string>(settings)
                {
                    ["Comet:Redis:Configuration"] = redis,
                    ["Comet:Redis:Prefix"] = prefix,
                };
                started.Add(await GatewayNode.StartAsync(nodeSettings, nodeName: "test-" + i.ToString(CultureInfo.InvariantCulture)));
            }
        }
        catch
        {
            foreach (var node in started)
            {
                await node.DisposeAsync();
            }
            throw;
        }
        return new TestGateway(started, ownsNodes: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ownsNodes)
        {
            return;
        }
        // Stop the nodes together, as a rolling stop would let clients see other nodes' reactions.
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
    }

    private static int RequestedNodes() =>
        int.TryParse(Environment.GetEnvironmentVariable(NodesVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;

    private GatewayNode NextNode(ref int counter) =>
        _nodes.Count == 1 ? _nodes[0] : _nodes[(int)((uint)Interlocked.Increment(ref counter) % (uint)_nodes.Count)];

    private sealed class GatewayNode(WebApplication app, int httpPort, int cometQLPort) : IAsyncDisposable
    {
        public WebApplication App { get; } = app;
        public int HttpPort { get; } = httpPort;
        public int CometQLPort { get; } = cometQLPort;

        public static async Task<GatewayNode> StartAsync(IReadOnlyDictionary<string, string> settings, string nodeName)
        {
            var args = new List<string>
            {
                "--urls", "http://127.0.0.1:0",
                "--environment", "Production",
                "--Comet:Password", Password,
                "--Comet:NodeName", nodeName,
                "--Comet:CometQL:Port", "0",
                "--Comet:Management:Port", "0",
                "--Logging:LogLevel:Default", "Warning",
                // Stop at once; drain tests set their own (later arguments win).
                "--Comet:Drain:Delay", "00:00:00",
                "--Comet:Drain:Window", "00:00:00",
            };
            foreach (var (key, value) in settings)
            {
                args.Add("--" + key);
                args.Add(value);
            }
            var app = GatewayApp.Build([.. args]);
            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            var cometQL = app.Services.GetRequiredService<CometQLEndpoint>().EndPoint
                ?? throw new InvalidOperationException("The CometQL endpoint was not bound.");
            var management = app.Services.GetRequiredService<ManagementEndpoint>().EndPoint?.Port;
            var http = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
                .Addresses.Select(a => new Uri(a)).First(u => u.Port != cometQL.Port && u.Port != management);
            return new GatewayNode(app, http.Port, cometQL.Port);
        }

        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
