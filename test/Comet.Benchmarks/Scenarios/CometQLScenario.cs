using System.Diagnostics;
using System.Globalization;
using Comet.Benchmarks.Cli;
using Comet.Benchmarks.Clients;
using Comet.Benchmarks.Measure;
using Comet.Benchmarks.Target;

namespace Comet.Benchmarks.Scenarios;

/// <summary>
/// The backend API alone: K connections, each sending statements for a fixed time. <c>--client
/// mysqldata</c> waits for each answer as a PHP or .NET backend does; <c>--client raw</c> is a
/// hand-written client that can send <c>--pipeline D</c> statements before reading their answers,
/// to find the server's limit rather than the driver's. <c>insert</c> publishes to a pipe nobody
/// subscribes to; <c>select</c> reads users_time for three users.
/// </summary>
internal static class CometQLScenario
{
    public static async Task<ResultTable> RunAsync(BenchArgs args, CancellationToken cancellationToken)
    {
        var common = CommonOptions.Read(args);
        var connectionCounts = args.IntList("connections", 4);
        var statements = args.String("statement", "insert,select").Split(',');
        var clients = args.String("client", "mysqldata,raw").Split(',');
        var pipeline = Math.Max(1, args.Int("pipeline", 1));
        var spec = GatewayCluster.Spec.Read(args);
        args.EnsureAllUsed();
        foreach (var statement in statements)
        {
            _ = SqlFor(statement, 0, common.PayloadSize);
        }
        if (clients.Any(c => c is not ("mysqldata" or "raw")))
        {
            throw new ArgumentException("--client takes mysqldata and/or raw.");
        }

        var table = new ResultTable(
            $"cometql: statements/s, {common.Duration.TotalSeconds:0} s measured",
            "engine", "client", "statement", "connections", "pipeline", "statements/s", "failed", "p50 ms", "p99 ms", "max ms",
            "gw CPU %", "gw µs/stmt", "redis CPU %", "gen CPU %");
        foreach (var client in clients)
        {
            var depth = client == "raw" ? pipeline : 1;
            foreach (var statement in statements)
            {
                foreach (var connections in connectionCounts)
                {
                    for (var run = 0; run < common.Repeat; run++)
                    {
                        var label = $"{client} {statement} x{connections} pipeline {depth}";
                        await RowGuard.RunAsync(table, label, async () =>
                        {
                            await using var cluster = await GatewayCluster.StartAsync(spec);
                            var result = await MeasureAsync(cluster, client, statement, connections, depth, common, cancellationToken);
                            if (result.FirstError is not null)
                            {
                                table.Note($"{label}: {result.Failed} failed, first: {result.FirstError}");
                            }
                            var perSecond = result.Count / common.Duration.TotalSeconds;
                            table.Add(cluster.Engine, client, statement, connections, depth, perSecond, result.Failed,
                                result.Latency.P50, result.Latency.P99, result.Latency.Max, result.Use.GatewayCpu,
                                ResultTable.MicrosPerOperation(result.Use.GatewayCpu, perSecond), result.Use.RedisCpu, result.Use.GeneratorCpu);
                            Console.WriteLine($"  {label}: {perSecond:N0}/s");
                        });
                    }
                }
            }
        }
        table.Note("Latency is one statement's round trip (with a pipeline, the round trip of its batch).");
        table.Note("gw µs/stmt = gateway CPU time (user + system, from /proc) per statement answered.");
        table.Note("mysqldata = MySql.Data 8.0.16, one statement per round trip; raw = hand-written client (Clients/RawCometQLClient.cs).");
        return table;
    }

    private static string SqlFor(string statement, long sequence, int size) => statement switch
    {
        "insert" => $"INSERT INTO pipes_messages (name, event, message) VALUES ('nobody_listens', 'e', '{PayloadStamp.Create(sequence, size)}')",
        "select" => string.Create(CultureInfo.InvariantCulture, $"SELECT id, time FROM users_time WHERE id IN ({(sequence % 1000) + 1}, 2, 3)"),
        // A personal message to one of 1,000 users nobody is connected as: queued, and (with Redis replicas) durable.
        "personal" => string.Create(CultureInfo.InvariantCulture, $"INSERT INTO users_messages (id, event, message) VALUES ({(sequence % 1000) + 1}, 'e', '{PayloadStamp.Create(sequence, size)}')"),
        _ => throw new ArgumentException($"--statement takes insert, select or personal, not '{statement}'."),
    };

    private static async Task<Measured> MeasureAsync(
        GatewayCluster cluster, string client, string statement, int connections, int pipeline, CommonOptions common,
        CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder(8_000_000);
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + (long)(common.Warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(common.Duration.TotalSeconds * Stopwatch.Frequency);
        recorder.Open(windowStart, windowEnd);
        long failed = 0;
        string? firstError = null;

        void Worker(int k)
        {
            var node = cluster.Nodes[k % cluster.Nodes.Count];
            Func<long, int> send;
            IDisposable connection;
            if (client == "raw")
            {
                var raw = RawCometQLClient.Open(node.CometQL, node.User, node.Password, "CometQL_v1");
                var batch = new string[pipeline];
                connection = raw;
                send = sequence =>
                {
                    for (var i = 0; i < batch.Length; i++)
                    {
                        batch[i] = SqlFor(statement, sequence + (i * connections), common.PayloadSize);
                    }
                    string? error = null;
                    var failures = raw.RunBatch(batch, ref error);
                    if (error is not null)
                    {
                        Interlocked.CompareExchange(ref firstError, error, null);
                    }
                    return failures;
                };
            }
            else
            {
                var backend = CometQLClient.Open(node.CometQLConnectionString);
                connection = backend;
                send = sequence =>
                {
                    try
                    {
                        var sql = SqlFor(statement, sequence, common.PayloadSize);
                        if (statement == "select")
                        {
                            backend.Query(sql);
                        }
                        else
                        {
                            backend.Execute(sql);
                        }
                        return 0;
                    }
                    catch (Exception e) when (IStatementSink.IsStatementError(e))
                    {
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                        return 1;
                    }
                };
            }
            using (connection)
            {
                long sequence = k;
                while (!cancellationToken.IsCancellationRequested)
                {
                    var sent = Stopwatch.GetTimestamp();
                    if (sent > windowEnd)
                    {
                        return;
                    }
                    var failures = send(sequence);
                    var done = Stopwatch.GetTimestamp();
                    for (var i = 0; i < pipeline - failures; i++)
                    {
                        recorder.Record(sent, done);
                    }
                    if (failures > 0 && sent >= windowStart)
                    {
                        Interlocked.Add(ref failed, failures);
                    }
                    sequence += (long)connections * pipeline;
                }
            }
        }

        var workers = Enumerable.Range(0, connections)
            .Select(k => Task.Factory.StartNew(() => Worker(k), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        await Task.Delay(common.Warmup, cancellationToken);
        var window = ResourceWindow.Begin(cluster);
        await Task.Delay(common.Duration, cancellationToken);
        var use = window.End();
        await Task.WhenAll(workers);
        return new Measured(recorder.Count, Interlocked.Read(ref failed), recorder.Summarise(), use, firstError);
    }

    private sealed record Measured(long Count, long Failed, LatencySummary Latency, ResourceUse Use, string? FirstError);
}
