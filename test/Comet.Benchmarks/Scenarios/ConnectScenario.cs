using System.Diagnostics;
using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Clients;
using Comet.Benchmarks.Measure;
using Comet.Benchmarks.Target;

namespace Comet.Benchmarks.Scenarios;

/// <summary>
/// Connections: ramp to N idle anonymous connections as fast as the bounded concurrency allows,
/// then the gateway's RSS and the kernel's TCP and slab memory per connection, idle CPU, and churn
/// (close one connection, open a new one) for a fixed time.
/// </summary>
internal static class ConnectScenario
{
    public static async Task<ResultTable> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var common = CommonOptions.Read(args);
        var counts = args.IntList("connections", 10_000);
        var churnSeconds = args.Double("churn-seconds", 10);
        var churnWorkers = Math.Max(1, args.Int("churn-workers", 16));
        var idleSeconds = args.Double("idle-seconds", 5);
        var pipes = args.Int("pipes", 10);
        var spec = GatewayCluster.Spec.Read(args);
        args.EnsureAllUsed();

        var table = new ResultTable(
            $"connect: ramp with {common.Concurrency} in flight, {(pipes > 0 ? $"each subscribed to 1 of {pipes} pipes" : "not subscribed")}, {idleSeconds:0} s idle, {churnSeconds:0} s churn with {churnWorkers} workers",
            "engine", "opened", "failed", "held", "connect/s", "ramp gw CPU %", "ramp gw µs/conn", "ramp redis CPU %", "gw RSS before MiB", "gw RSS after MiB", "RSS KB/conn",
            "kernel TCP KB/conn", "slab KB/conn", "idle gw CPU %", "churn cycles/s", "churn failed", "churn gw CPU %", "churn gw µs/cycle", "gen CPU %");
        foreach (var count in counts)
        {
            for (var run = 0; run < common.Repeat; run++)
            {
                await RowGuard.RunAsync(table, $"connections={count}", () => RunOnceAsync(spec, common, count, pipes,
                    TimeSpan.FromSeconds(idleSeconds), TimeSpan.FromSeconds(churnSeconds), churnWorkers, table, cancellationToken));
            }
        }
        table.Note("held = connections still open after the idle wait (their receive loop has not seen a close or a reset).");
        table.Note("RSS KB/conn = (gateway RSS after the ramp and idle wait - RSS before) / opened connections.");
        table.Note("kernel TCP KB/conn = growth of TCP buffer pages in /proc/net/sockstat / opened; it counts both ends (client and server socket are in this kernel).");
        table.Note("slab KB/conn = growth of Slab in /proc/meminfo / opened, both ends; other processes on the machine make it noisy.");
        table.Note("a churn cycle = one close (close frame, socket dropped) + one new connection up to its serverInfo"
            + (pipes > 0 ? " and its subscription." : "."));
        table.Note("µs/conn and µs/cycle = gateway CPU time (user + system, from /proc) per connection opened or per churn cycle.");
        return table;
    }

    private static async Task RunOnceAsync(
        GatewayCluster.Spec spec, CommonOptions common, int count, int pipes, TimeSpan idle, TimeSpan churn, int churnWorkers,
        ResultTable table, CancellationToken cancellationToken)
    {
        await using var cluster = await GatewayCluster.StartAsync(spec);
        await Task.Delay(1000, cancellationToken);
        var gatewayPid = cluster.Nodes[0].Pid;
        var rssBefore = SumRss(cluster);
        var kernelBefore = KernelMemory.Read();
        var recorder = new LatencyRecorder(1);
        await using var loops = new ReceiveLoops();

        var rampWindow = ResourceWindow.Begin(cluster);
        // Each client reads from the moment it is open: a client that did not answer the server's pings during a
        // ramp longer than KeepAliveInterval + KeepAliveTimeout (35 s) would be closed as a dead peer.
        var ramp = await ConnectionRamp.OpenAsync(cluster.WebSocketEndpoints, common.Sources, count, common.Concurrency,
            CometUrls.Anonymous, cancellationToken, Subscription(pipes), client => loops.Start(client, recorder));
        var rampUse = rampWindow.End();
        var clients = ramp.Clients;
        try
        {
            if (ramp.Failures > 0)
            {
                table.Note($"{count} connections: {ramp.Failures} failed ({ramp.FirstError}).");
            }
            Console.WriteLine($"  opened {ramp.Opened:N0} in {ramp.Elapsed.TotalSeconds:0.0} s ({ramp.PerSecond:N0}/s)");

            var idleWindow = ResourceWindow.Begin(cluster);
            await Task.Delay(idle, cancellationToken);
            var idleUse = idleWindow.End();
            var held = loops.Running;
            var rssAfter = SumRss(cluster);
            var kernelAfter = KernelMemory.Read();
            var opened = Math.Max(1, ramp.Opened);

            var (cycles, churnFailures, churnUse, churnError) = await ChurnAsync(
                cluster, common, clients, loops, recorder, churn, churnWorkers, Subscription(pipes), cancellationToken);
            if (churnError is not null)
            {
                table.Note($"{count} connections, churn: first failure: {churnError}");
            }
            table.Add(cluster.Engine, ramp.Opened, ramp.Failures, held, ramp.PerSecond, rampUse.GatewayCpu,
                ResultTable.MicrosPerOperation(rampUse.GatewayCpu, ramp.PerSecond), rampUse.RedisCpu,
                rssBefore / 1048576.0, rssAfter / 1048576.0,
                gatewayPid is null ? double.NaN : (rssAfter - rssBefore) / 1024.0 / opened,
                (kernelAfter.TcpBufferBytes - kernelBefore.TcpBufferBytes) / 1024.0 / opened,
                (kernelAfter.SlabBytes - kernelBefore.SlabBytes) / 1024.0 / opened,
                idleUse.GatewayCpu, cycles / churn.TotalSeconds, churnFailures, churnUse.GatewayCpu,
                ResultTable.MicrosPerOperation(churnUse.GatewayCpu, cycles / churn.TotalSeconds), rampUse.GeneratorCpu);
        }
        finally
        {
            foreach (var client in clients)
            {
                client?.Dispose();
            }
        }
    }

    private static async Task<(long Cycles, long Failures, ResourceUse Use, string? FirstError)> ChurnAsync(
        GatewayCluster cluster, CommonOptions common, WsClient?[] clients, ReceiveLoops loops, LatencyRecorder recorder,
        TimeSpan churn, int workers, Func<int, string>? subscription, CancellationToken cancellationToken)
    {
        if (churn <= TimeSpan.Zero || clients.Length == 0)
        {
            return (0, 0, default, null);
        }
        long cycles = 0;
        long failures = 0;
        string? firstError = null;
        var servers = cluster.WebSocketEndpoints;
        var end = Stopwatch.GetTimestamp() + (long)(churn.TotalSeconds * Stopwatch.Frequency);
        var window = ResourceWindow.Begin(cluster);
        var tasks = Enumerable.Range(0, Math.Min(workers, clients.Length)).Select(async worker =>
        {
            // Each worker owns the slots worker, worker + W, worker + 2W…, so no two touch one client.
            var slot = worker;
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
            {
                if (clients[slot] is { } old)
                {
                    await old.CloseAsync();
                    clients[slot] = null;
                }
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(15));
                    var fresh = await WsClient.ConnectAsync(servers[slot % servers.Count], common.Sources.For(slot + worker + 1),
                        CometUrls.Anonymous(slot), timeout.Token);
                    clients[slot] = fresh;
                    if (subscription is not null)
                    {
                        await fresh.SendTextAsync(subscription(slot), timeout.Token);
                    }
                    loops.Start(fresh, recorder);
                    Interlocked.Increment(ref cycles);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstError, e.GetType().Name + ": " + e.Message, null);
                }
                slot += workers;
                if (slot >= clients.Length)
                {
                    slot = worker;
                }
            }
        }).ToArray();
        await Task.WhenAll(tasks);
        return (Interlocked.Read(ref cycles), Interlocked.Read(ref failures), window.End(), firstError);
    }

    /// <summary>Connection i subscribes to pipe i % pipes, so the pipes hold equal shares; none when pipes is 0.</summary>
    private static Func<int, string>? Subscription(int pipes) =>
        pipes <= 0 ? null : i => "subscription\nidle" + (i % pipes).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static long SumRss(GatewayCluster cluster) =>
        cluster.Nodes.Where(n => n.Pid is not null).Sum(n => ProcessSample.Read(n.Pid!.Value).RssBytes);
}
