using System.Diagnostics;
using System.Text;
using Comet.Benchmarks.Clients;
using Comet.Benchmarks.Measure;

namespace Comet.Benchmarks.Cli;

/// <summary>
/// <c>selftest</c>: checks the tool's own measuring parts without a gateway, so a wrong number is
/// never blamed on the server: stamps found in frames shaped like the gateway's (several messages
/// per frame), percentiles, option parsing. Exit code 0 when all hold.
/// </summary>
internal static class SelfTest
{
    public static int Run()
    {
        var failures = 0;
        void Check(bool condition, string what)
        {
            Console.WriteLine((condition ? "ok   " : "FAIL ") + what);
            failures += condition ? 0 : 1;
        }

        var now = Stopwatch.GetTimestamp();
        var recorder = new LatencyRecorder(16);
        recorder.Open(0, long.MaxValue);
        var first = PayloadStamp.Create(now - Stopwatch.Frequency / 100, 100);
        var second = PayloadStamp.Create(now - Stopwatch.Frequency / 50, 20);
        Check(first.Length == 100 && first.All(char.IsAsciiLetterOrDigit), "a stamp is letters and digits, padded to the size");
        var frame = Encoding.UTF8.GetBytes(
            $"{{\"data\":\"{first}\",\"event\":\"e\",\"message_send_time\":1,\"pipe\":\"fan0\"}}\n" +
            $"{{\"data\":\"{second}\",\"event\":\"e\",\"message_send_time\":1,\"pipe\":\"fan0\"}}");
        Check(PayloadStamp.Scan(frame, recorder) == 2 && recorder.Count == 2, "two messages in one frame give two deliveries");
        var summary = recorder.Summarise();
        Check(summary.P50 >= 9 && summary.Max >= 19 && summary.Max < 1000, $"latencies are the stamps' ages ({summary.P50:0.#} ms, {summary.Max:0.#} ms)");
        Check(PayloadStamp.Scan("{\"authorized\":false,\"event\":\"serverInfo\",\"pipe\":\"sys\"}"u8, recorder) == 0, "serverInfo holds no stamp");
        Check(PayloadStamp.Scan("tsQ123"u8, recorder) == 0, "a cut-off stamp is not counted");

        var window = new LatencyRecorder(16);
        window.Open(100, 200);
        window.Record(50, 300);
        window.Record(150, 300);
        Check(window.Count == 1, "only messages published inside the window are counted");

        var spread = new LatencyRecorder(1000);
        spread.Open(0, long.MaxValue);
        for (var i = 1; i <= 100; i++)
        {
            spread.Record(now - (Stopwatch.Frequency * i / 1000), now);
        }
        var percentiles = spread.Summarise();
        Check(Math.Abs(percentiles.P50 - 51) < 1.5 && Math.Abs(percentiles.P99 - 100) < 1.5, $"p50/p99 of 1..100 ms ({percentiles.P50:0.#}/{percentiles.P99:0.#})");

        var args = BenchArgs.Parse(["fanout", "--clients", "10,20", "--redis"]);
        Check(args.IntList("clients", 1).SequenceEqual([10, 20]) && args.Flag("redis"), "options parse");
        var typo = BenchArgs.Parse(["fanout", "--clinets", "10"]);
        _ = typo.IntList("clients", 1);
        Check(Throws(typo.EnsureAllUsed), "a misspelt option is an error");
        Check(Throws(() => BenchArgs.Parse(["fanout", "--clients", "-5"]).IntList("clients", 1)), "a negative count is an error");
        Check(BenchArgs.Parse(["fanout", "--rate", "100,max"]).RateList("rate", 20).SequenceEqual([100, BenchArgs.ClosedLoop]), "--rate max is the closed loop");
        Check(Throws(() => BenchArgs.Parse(["fanout", "--rate", "0"]).RateList("rate", 20)), "a rate of 0 is an error (max says it)");

        var repeats = new ResultTable("t", "engine", "clients", "delivered/s");
        repeats.Add("memory", 100, 10.0);
        repeats.Add("memory", 100, 30.0);
        repeats.Add("memory", 100, 20.0);
        repeats.Add("memory", 1000, 5.0);
        var medians = repeats.Medians("", "engine", "clients");
        Check(medians.RowCount == 2 && medians.Number(0, "delivered/s") == 20 && medians.Number(1, "delivered/s") == 5,
            "medians group repeats by their key columns");
        Check(ResultTable.MicrosPerOperation(50, 100_000) == 5, "50 % of a core for 100,000 operations/s is 5 µs each");
        var stats = RedisCommandStats.Parse("# Commandstats\r\ncmdstat_publish:calls=12,usec=30,usec_per_call=2.5\r\ncmdstat_get:calls=3,usec=1\r\n");
        var earlier = RedisCommandStats.Parse("cmdstat_publish:calls=2,usec=3\r\n");
        Check(stats.Since(earlier).SequenceEqual([("publish", 10L), ("get", 3L)]), "INFO commandstats parses into calls per command");

        Console.WriteLine(failures == 0 ? "selftest passed" : $"selftest: {failures} check(s) failed");
        return failures == 0 ? 0 : 1;
    }

    private static bool Throws(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
