using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Measure;
using Comet.Benchmarks.Target;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Benchmarks.Scenarios;

/// <summary>
/// What a master killed with SIGKILL costs personal messages, with durable writes on and off: two
/// gateways on a Sentinel set or a Cluster, users connected to the second, backends sending numbered
/// personal messages to them through the first as fast as each is acknowledged; the master of the first
/// user's keys is killed mid-stream. Counts acknowledged messages that never arrived (lost), arrived
/// twice, and INSERTs that failed (not acknowledged, so not lost).
/// </summary>
internal static class FailoverLossScenario
{
    public static async Task<ResultTable> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var topology = args.String("topology", "cluster");
        var durables = args.IntList("durable", 1);
        var users = args.Int("users", 4);
        var senders = args.Int("senders", 8);
        var repeat = args.Int("repeat", 3);
        args.EnsureAllUsed();

        var table = new ResultTable(
            "failover-loss: a master killed with SIGKILL under personal messages",
            "topology", "durable replicas", "acknowledged", "after the kill", "lost", "repeated", "failed INSERTs", "msg/s before", "promotion s");
        foreach (var durable in durables)
        {
            for (var run = 0; run < repeat; run++)
            {
                var spec = new GatewayCluster.Spec(false, topology, 2, null, null, TestGateway.Password, "root", null,
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["Comet:Redis:DurableReplicas"] = durable.ToString(CultureInfo.InvariantCulture) });
                await using var cluster = await GatewayCluster.StartAsync(spec);
                var result = await MeasureAsync(cluster, users, senders, cancellationToken);
                if (result.Lost > 0 || result.AcknowledgedAfterKill == 0)
                {
                    // Something to explain: the gateways' own account of the run.
                    Console.Error.WriteLine($"--- run {run} (durable {durable}): {result.Lost} lost, {result.AcknowledgedAfterKill} acknowledged after the kill\n{cluster.Output}");
                }
                table.Add(topology, durable, result.Acknowledged, result.AcknowledgedAfterKill, result.Lost, result.Repeated, result.Failed, result.RateBefore, result.Promotion.TotalSeconds);
            }
        }
        table.Note("lost = acknowledged by the INSERT and never received by the user's connection, which stays open throughout.");
        table.Note("The kill comes 3 s into the run; the run goes on 5 s after the promotion, then waits up to 15 s for stragglers.");
        return table;
    }

    private static async Task<Result> MeasureAsync(GatewayCluster cluster, int users, int senders, CancellationToken cancellationToken)
    {
        var topology = cluster.Topology ?? throw new InvalidOperationException("failover-loss needs --topology.");
        var (front, back) = (cluster.Nodes[0], cluster.Nodes[1]);
        var frontCometQL = $"Server=127.0.0.1;Port={front.CometQL.Port};User Id=root;Password={TestGateway.Password};Database=CometQL_v1;SslMode=None;Pooling=false";
        await CometQLBackend.ExecuteOnceAsync(frontCometQL, "INSERT INTO users_auth (id, hash) VALUES " +
            string.Join(',', Enumerable.Range(1, users).Select(u => $"({u}, 'loss{u}')")));
        var received = Enumerable.Range(0, users + 1).Select(_ => new ConcurrentBag<long>()).ToArray();
        var clients = new List<CometWebSocketClient>();
        using var stop = new CancellationTokenSource();
        var readers = new List<Task>();
        var clock = Stopwatch.StartNew();
        long closed = 0;
        for (var u = 1; u <= users; u++)
        {
            var client = await CometWebSocketClient.ConnectAsync(new Uri($"ws://{back.WebSocket}"), u, $"loss{u}");
            await client.WaitForAsync(m => m.GetProperty("event").GetString() == "serverInfo");
            clients.Add(client);
            var bag = received[u];
            readers.Add(Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var message = await client.ReceiveAsync(TimeSpan.FromMilliseconds(500));
                        if (CometWebSocketClient.IsPipe(message, "msg"))
                        {
                            bag.Add(long.Parse(message.GetProperty("data").GetString()!, CultureInfo.InvariantCulture));
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                    catch (Exception e) when (e is InvalidOperationException or System.Net.WebSockets.WebSocketException)
                    {
                        // The gateway closed the user's connection: what follows cannot arrive on it.
                        Interlocked.Increment(ref closed);
                        Console.Error.WriteLine($"user {client}: connection closed at {clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
                        return;
                    }
                }
            }, CancellationToken.None));
        }

        var acknowledged = new ConcurrentBag<(int User, long Number)>();
        long failed = 0;
        long next = 0;
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        clock.Restart();
        var senderTasks = Enumerable.Range(0, senders).Select(s => Task.Run(async () =>
        {
            CometQLBackend? backend = null;
            while (!sending.IsCancellationRequested)
            {
                var number = Interlocked.Increment(ref next);
                var user = (int)(number % users) + 1;
                try
                {
                    backend ??= await CometQLBackend.OpenAsync(frontCometQL);
                    await backend.ExecuteAsync($"INSERT INTO users_messages (id, event, message) VALUES ({user}, 'n', '{number}')");
                    acknowledged.Add((user, number));
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failed);
                    if (backend is not null)
                    {
                        await backend.DisposeAsync();
                        backend = null;
                    }
                }
            }
            if (backend is not null)
            {
                await backend.DisposeAsync();
            }
        }, CancellationToken.None)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var rateBefore = acknowledged.Count / clock.Elapsed.TotalSeconds;
        var beforeKill = acknowledged.Count;
        var timing = await topology.KillMasterAsync("{comet:0:u:1}:mq");
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        await sending.CancelAsync();
        await Task.WhenAll(senderTasks);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline && acknowledged.Any(a => !received[a.User].Contains(a.Number)))
        {
            await Task.Delay(200, cancellationToken);
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
        var lost = acknowledged.Count(a => !received[a.User].Contains(a.Number));
        var repeated = received.Sum(bag => bag.Count - bag.Distinct().Count());
        return new Result(acknowledged.Count, acknowledged.Count - beforeKill, lost, repeated, Interlocked.Read(ref failed), rateBefore, timing.PromotedAfter);
    }

    private sealed record Result(long Acknowledged, long AcknowledgedAfterKill, long Lost, long Repeated, long Failed, double RateBefore, TimeSpan Promotion);
}
