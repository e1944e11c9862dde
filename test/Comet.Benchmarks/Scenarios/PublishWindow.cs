using System.Diagnostics;
using Comet.Benchmarks.Clients;
using Comet.Benchmarks.Measure;
using Comet.Benchmarks.Target;

namespace Comet.Benchmarks.Scenarios;

/// <summary>
/// The measured publishing window the delivery scenarios share: backends send at a target rate through
/// the warm-up and the window, only messages stamped inside the window count, gateway resources are
/// sampled over the window, and the receivers are drained until every expected copy arrived or
/// delivery went quiet.
/// </summary>
internal static class PublishWindow
{
    /// <param name="common">Duration, warm-up and publisher kind.</param>
    /// <param name="publishTo">The nodes backends talk to: publisher p to node p modulo their count.</param>
    /// <param name="cluster">The gateways whose resources are measured.</param>
    /// <param name="recorder">The receivers' latency recorder; it is opened on the window here.</param>
    /// <param name="publisherCount">Backends sending in parallel, each at rate / publisherCount.</param>
    /// <param name="rate">Statements per second, all publishers together.</param>
    /// <param name="next">For publisher p, its sequence number and the message's stamp: the statement to send and
    /// how many copies of it receivers should get.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<PublishWindowResult> RunAsync(
        CommonOptions common,
        IReadOnlyList<GatewayNode> publishTo,
        GatewayCluster cluster,
        LatencyRecorder recorder,
        int publisherCount,
        int rate,
        Func<int, long, long, (string Statement, long Copies)> next,
        CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var windowStart = start + (long)(common.Warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(common.Duration.TotalSeconds * Stopwatch.Frequency);
        recorder.Open(windowStart, windowEnd);
        var roundTrips = new LatencyRecorder(4_000_000);
        roundTrips.Open(windowStart, windowEnd);
        long expected = 0;
        long sentInWindow = 0;
        var publishers = Enumerable.Range(0, publisherCount).Select(p => Task.Factory.StartNew(() =>
        {
            using var backend = IStatementSink.Open(common.Publisher, publishTo[p % publishTo.Count]);
            return RatePublisher.Run(backend, (double)rate / publisherCount, common.Warmup + common.Duration, (stamp, sequence) =>
            {
                var (statement, copies) = next(p, sequence, stamp);
                if (stamp >= windowStart && stamp <= windowEnd)
                {
                    Interlocked.Add(ref expected, copies);
                    Interlocked.Increment(ref sentInWindow);
                }
                return statement;
            }, roundTrips, cancellationToken);
        }, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        await Task.Delay(common.Warmup, cancellationToken);
        var resources = ResourceWindow.Begin(cluster);
        await Task.Delay(common.Duration, cancellationToken);
        var use = resources.End();
        var results = await Task.WhenAll(publishers);
        await Drain.UntilQuietAsync(recorder, Interlocked.Read(ref expected), cancellationToken);
        return new PublishWindowResult(
            Interlocked.Read(ref expected),
            Interlocked.Read(ref sentInWindow),
            results.FirstOrDefault(r => r.Failed > 0),
            roundTrips.Summarise().P99,
            use);
    }
}

/// <summary>What a publishing window produced.</summary>
/// <param name="Expected">Copies receivers should have got of the messages sent inside the window.</param>
/// <param name="SentInWindow">Statements sent inside the window.</param>
/// <param name="FirstFailure">The first publisher that had failed statements, if any.</param>
/// <param name="InsertP99">The backends' statement round-trip p99 (ms) inside the window.</param>
/// <param name="Resources">Gateway, Redis and generator CPU and memory over the window.</param>
internal sealed record PublishWindowResult(long Expected, long SentInWindow, PublishResult? FirstFailure, double InsertP99, ResourceUse Resources);
