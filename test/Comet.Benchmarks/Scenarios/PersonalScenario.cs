using System.Globalization;
using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Clients;
using Comet.Benchmarks.Measure;
using Comet.Benchmarks.Target;

namespace Comet.Benchmarks.Scenarios;

/// <summary>
/// Personal messages: U users authorised through users_auth, user i connected on 1 + i % 3 devices,
/// backends sending <c>INSERT INTO users_messages</c> round-robin over the users at a target rate.
/// Every device of the user must get every message: delivered/s counts device copies.
/// </summary>
internal static class PersonalScenario
{
    public static async Task<ResultTable> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var common = CommonOptions.Read(args);
        var userCounts = args.IntList("users", 1000);
        var rates = args.IntList("rate", 200);
        var publishers = Math.Max(1, args.Int("publishers", 1));
        var spec = GatewayCluster.Spec.Read(args);
        args.EnsureAllUsed();

        var table = new ResultTable(
            $"personal: users_messages to users on 1-3 devices, {common.PayloadSize} B payload, {common.Duration.TotalSeconds:0} s measured",
            "engine", "users", "connections", "target/s", "sent/s", "delivered/s", "lost %", "p50 ms", "p95 ms", "p99 ms", "max ms",
            "INSERT p99 ms", "gw CPU %", "gw µs/delivery", "gw RSS MiB", "redis CPU %", "gen CPU %");
        foreach (var users in userCounts)
        {
            foreach (var rate in rates)
            {
                for (var run = 0; run < common.Repeat; run++)
                {
                    await RowGuard.RunAsync(table, $"users={users} rate={rate}", () => RunOnceAsync(spec, common, users, rate, publishers, table, cancellationToken));
                }
            }
        }
        table.Note("sent/s is INSERTs per second; delivered/s counts every device copy; user i has 1 + i % 3 devices.");
        table.Note("gw µs/delivery = gateway CPU time (user + system, from /proc, all nodes) per delivered device copy.");
        table.Note("CPU is % of one core (the machine has 2); the load generator runs on the same cores.");
        return table;
    }

    private static int DevicesOf(int user) => 1 + (user % 3);

    private static async Task RunOnceAsync(
        GatewayCluster.Spec spec, CommonOptions common, int users, int rate, int publisherCount, ResultTable table,
        CancellationToken cancellationToken)
    {
        await using var cluster = await GatewayCluster.StartAsync(spec);
        using (var setup = IStatementSink.Open(common.Publisher, cluster.Nodes[0]))
        {
            for (var user = 1; user <= users; user++)
            {
                setup.Execute(string.Create(CultureInfo.InvariantCulture,
                    $"INSERT INTO users_auth (id, hash) VALUES ({user}, '{CometUrls.HashFor(user)}')"));
            }
        }

        // Connection k belongs to user owner[k]; devices of a user are spread over the nodes.
        var owner = Enumerable.Range(1, users).SelectMany(u => Enumerable.Repeat(u, DevicesOf(u))).ToArray();
        var ramp = await ConnectionRamp.OpenAsync(cluster.WebSocketEndpoints, common.Sources, owner.Length, common.Concurrency,
            k => CometUrls.User(owner[k], CometUrls.HashFor(owner[k]), k), cancellationToken);
        try
        {
            var unauthorised = ramp.Live.Count(c => !c.ServerInfo.Contains("\"authorized\":true", StringComparison.Ordinal));
            if (ramp.Failures > 0 || unauthorised > 0)
            {
                table.Note($"{users} users: {ramp.Failures} connections failed ({ramp.FirstError}), {unauthorised} not authorised.");
            }
            var online = new int[users + 1];
            for (var k = 0; k < owner.Length; k++)
            {
                if (ramp.Clients[k] is not null)
                {
                    online[owner[k]]++;
                }
            }
            var recorder = new LatencyRecorder(8_000_000);
            await using var loops = new ReceiveLoops();
            foreach (var client in ramp.Live)
            {
                loops.Start(client, recorder);
            }

            var window = await PublishWindow.RunAsync(common, cluster.Nodes, cluster, recorder, publisherCount, rate, (p, sequence, stamp) =>
            {
                var user = (int)((sequence * publisherCount + p) % users) + 1;
                return (string.Create(CultureInfo.InvariantCulture,
                    $"INSERT INTO users_messages (id, event, message) VALUES ({user}, 'e', '{PayloadStamp.Create(stamp, common.PayloadSize)}')"),
                    online[user]);
            }, cancellationToken);
            if (window.FirstFailure is { } failed)
            {
                table.Note($"{users} users: {failed.Failed} INSERTs failed ({failed.FirstError}).");
            }

            var seconds = common.Duration.TotalSeconds;
            var delivered = recorder.Count;
            var latency = recorder.Summarise();
            var use = window.Resources;
            table.Add(cluster.Engine, users, ramp.Opened, rate, window.SentInWindow / seconds, delivered / seconds,
                window.Expected == 0 ? double.NaN : 100.0 * (window.Expected - delivered) / window.Expected,
                latency.P50, latency.P95, latency.P99, latency.Max, window.InsertP99, use.GatewayCpu,
                ResultTable.MicrosPerOperation(use.GatewayCpu, delivered / seconds), use.GatewayRssMiB, use.RedisCpu, use.GeneratorCpu);
            Console.WriteLine($"  {cluster.Engine} users={users} rate={rate}: delivered {delivered / seconds:N0}/s, p99 {latency.P99:0.##} ms");
        }
        finally
        {
            ramp.CloseAll();
        }
    }
}
