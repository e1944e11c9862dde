using System.Globalization;
using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Clients;
using Comet.Benchmarks.Measure;
using Comet.Benchmarks.Target;

namespace Comet.Benchmarks.Scenarios;

/// <summary>
/// Broadcast: C anonymous WebSocket clients subscribed over P pipes, backends publishing with
/// <c>INSERT INTO pipes_messages</c> at a target rate. Reports delivered messages per second (every
/// copy a client received), latency from the publish stamp in the payload, and resource use.
/// <c>--engines memory,redis1,redis2</c> runs the same load on each target and adds the ratio to the first.
/// Cross-node (<c>crossnode</c>): the backends publish on node 1 only and every subscriber is on the
/// other nodes, so each delivery went through Redis; Redis commands per message come from INFO commandstats.
/// </summary>
internal static class FanoutScenario
{
    public static async Task<ResultTable> RunAsync(BenchArgs args, string[]? defaultEngines, CancellationToken cancellationToken, bool crossNode = false)
    {
        var common = CommonOptions.Read(args);
        var clientCounts = args.IntList("clients", 1000);
        var rates = args.RateList("rate", 20);
        var pipes = Math.Max(1, args.Int("pipes", 1));
        var publishers = Math.Max(1, args.Int("publishers", 1));
        var baseSpec = GatewayCluster.Spec.Read(args);
        var engines = args.Optional("engines")?.Split(',') ?? defaultEngines;
        args.EnsureAllUsed();
        var specs = engines is null ? [baseSpec] : engines.Select(e => EngineSpec(baseSpec, e)).ToArray();
        if (crossNode && specs.Any(s => !s.Redis || s.NodeCount < 2))
        {
            throw new ArgumentException("crossnode needs Redis and at least two nodes (--engines redis2,redis3).");
        }

        var table = new ResultTable(
            $"{(crossNode ? "cross-node fanout (publish on node 1, subscribers on the others)" : "fanout")} on {string.Join(", ", specs.Select(s => s.Describe()))}: {pipes} pipe(s), {common.PayloadSize} B payload, {common.Duration.TotalSeconds:0} s measured",
            "engine", "clients", "target/s", "published/s", "delivered/s", "ratio", "lost %", "p50 ms", "p95 ms", "p99 ms",
            "max ms", "INSERT p99 ms", "gw CPU %", "gw µs/delivery", "gw RSS MiB", "redis CPU %", "redis cmds/msg", "gen CPU %");
        foreach (var clients in clientCounts)
        {
            foreach (var rate in rates)
            {
                for (var run = 0; run < common.Repeat; run++)
                {
                    double? first = null;
                    foreach (var spec in specs)
                    {
                        await RowGuard.RunAsync(table, $"{spec.Describe()} clients={clients} rate={rate}", async () =>
                        {
                            var row = await RunOnceAsync(spec, common, clients, rate, pipes, publishers, crossNode, table, cancellationToken);
                            first ??= row.Delivered;
                            table.Add(spec.Describe(), clients, BenchArgs.DescribeRate(rate), row.Published, row.Delivered,
                                first > 0 ? row.Delivered / first.Value : double.NaN, row.LostPercent, row.Latency.P50, row.Latency.P95,
                                row.Latency.P99, row.Latency.Max, row.InsertP99, row.Resources.GatewayCpu,
                                ResultTable.MicrosPerOperation(row.Resources.GatewayCpu, row.Delivered), row.Resources.GatewayRssMiB,
                                row.Resources.RedisCpu, row.Resources.RedisCommandsPer(row.PublishedCount), row.Resources.GeneratorCpu);
                            if (row.Resources.RedisCommands is not null)
                            {
                                table.Note($"{spec.Describe()}, {clients} clients: Redis commands per message: {row.Resources.DescribeCommandsPer(row.PublishedCount)}.");
                            }
                            Console.WriteLine($"  {spec.Describe()} clients={clients} rate={rate}: delivered {row.Delivered:N0}/s, p99 {row.Latency.P99:0.##} ms");
                        });
                    }
                }
            }
        }
        if (rates.Contains(BenchArgs.ClosedLoop))
        {
            table.Note("target/s max: a closed loop, each publisher sends its next INSERT when the previous one was answered.");
        }
        table.Note("INSERT p99 ms is the backend's wait for the INSERT's answer (MySQL round trip), not delivery.");
        table.Note("target/s and published/s are INSERTs per second over all pipes; delivered/s counts every copy a client received.");
        table.Note("redis cmds/msg = commands redis-server ran during the window (INFO commandstats) / messages published in it.");
        table.Note("gw µs/delivery = gateway CPU time (user + system, from /proc, all nodes) per delivered copy.");
        table.Note("CPU is % of one core (the machine has 2); gateway figures are summed over nodes; the load generator runs on the same cores.");
        return table;
    }

    private static GatewayCluster.Spec EngineSpec(GatewayCluster.Spec spec, string engine) => engine switch
    {
        "memory" => spec with { Redis = false, NodeCount = 1 },
        _ when engine.StartsWith("redis", StringComparison.Ordinal) =>
            spec with { Redis = true, NodeCount = engine.Length > 5 ? int.Parse(engine[5..], CultureInfo.InvariantCulture) : 1 },
        _ => throw new ArgumentException($"--engines takes memory, redis1, redis2…, not '{engine}'."),
    };

    private static async Task<FanoutRow> RunOnceAsync(
        GatewayCluster.Spec spec, CommonOptions common, int clientCount, int rate, int pipes, int publisherCount, bool crossNode,
        ResultTable table, CancellationToken cancellationToken)
    {
        await using var cluster = await GatewayCluster.StartAsync(spec);
        var subscriberNodes = crossNode ? cluster.WebSocketEndpoints.Skip(1).ToList() : cluster.WebSocketEndpoints;
        var ramp = await ConnectionRamp.OpenAsync(subscriberNodes, common.Sources, clientCount, common.Concurrency,
            CometUrls.Anonymous, cancellationToken);
        try
        {
            if (ramp.Failures > 0)
            {
                table.Note($"{spec.Describe()}, {clientCount} clients: {ramp.Failures} connections failed ({ramp.FirstError}).");
            }
            var recorder = new LatencyRecorder(8_000_000);
            await using var loops = new ReceiveLoops();
            var subscribers = new int[pipes];
            var index = 0;
            foreach (var client in ramp.Clients)
            {
                var pipe = index++ % pipes;
                if (client is null)
                {
                    continue;
                }
                await client.SendTextAsync("subscription\n" + PipeName(pipe), cancellationToken);
                subscribers[pipe]++;
                loops.Start(client, recorder);
            }

            await WaitForSubscriptionsAsync(cluster, pipes, subscribers.Sum(), spec, table, cancellationToken);
            var window = await PublishWindow.RunAsync(common, crossNode ? [cluster.Nodes[0]] : cluster.Nodes, cluster, recorder, publisherCount, rate, (p, sequence, stamp) =>
            {
                var pipe = (int)((sequence * publisherCount + p) % pipes);
                return ($"INSERT INTO pipes_messages (name, event, message) VALUES ('{PipeName(pipe)}', 'e', '{PayloadStamp.Create(stamp, common.PayloadSize)}')",
                    subscribers[pipe]);
            }, cancellationToken);
            if (window.FirstFailure is { } failed)
            {
                table.Note($"{spec.Describe()}, {clientCount} clients: {failed.Failed} INSERTs failed ({failed.FirstError}).");
            }

            var seconds = common.Duration.TotalSeconds;
            var delivered = recorder.Count;
            var lost = window.Expected == 0 ? double.NaN : 100.0 * (window.Expected - delivered) / window.Expected;
            return new FanoutRow(window.SentInWindow / seconds, window.SentInWindow, delivered / seconds, lost, recorder.Summarise(), window.InsertP99, window.Resources);
        }
        finally
        {
            ramp.CloseAll();
        }
    }

    /// <summary>
    /// Publishing starts only once the cluster counts every subscription (the pipes table, summed over
    /// nodes): a subscription still queued on a busy node would otherwise show up as lost messages.
    /// </summary>
    private static async Task WaitForSubscriptionsAsync(
        GatewayCluster cluster, int pipes, int expected, GatewayCluster.Spec spec, ResultTable table, CancellationToken cancellationToken)
    {
        using var backend = CometQLClient.Open(cluster.Nodes[0].CometQLConnectionString);
        var names = string.Join(", ", Enumerable.Range(0, pipes).Select(p => $"'{PipeName(p)}'"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long counted = 0;
        while (DateTime.UtcNow < deadline)
        {
            counted = backend.Sum($"SELECT name, users FROM pipes WHERE name IN ({names})", "users");
            if (counted >= expected)
            {
                return;
            }
            await Task.Delay(250, cancellationToken);
        }
        table.Note($"{spec.Describe()}: only {counted} of {expected} subscriptions were counted after 60 s; published anyway.");
    }

    private static string PipeName(int pipe) => "fan" + pipe.ToString(CultureInfo.InvariantCulture);

    private sealed record FanoutRow(double Published, long PublishedCount, double Delivered, double LostPercent, LatencySummary Latency, double InsertP99, ResourceUse Resources);
}
