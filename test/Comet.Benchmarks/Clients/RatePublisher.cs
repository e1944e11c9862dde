using System.Diagnostics;

namespace Comet.Benchmarks.Clients;

/// <summary>
/// Sends statements at a target rate on one backend connection, for a fixed time; when it falls
/// behind it sends at once, so the achieved rate shows the limit. Each statement is built at the
/// moment it is sent, with that moment's timestamp; each statement's round trip goes to
/// <c>roundTrips</c> (a gateway that answers an INSERT only after fanning it out shows here). A rate of
/// 0 (<c>--rate max</c>) is a closed loop: the next statement goes as soon as the previous was answered,
/// so the gateway's answers set the pace. Blocks: run it on a thread of its own.
/// </summary>
internal static class RatePublisher
{
    public static PublishResult Run(
        IStatementSink backend, double rate, TimeSpan duration, Func<long, long, string> statementFor,
        Measure.LatencyRecorder roundTrips, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var interval = rate > 0 ? Stopwatch.Frequency / rate : 0;
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long sent = 0;
        long failed = 0;
        string? firstError = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = start + (long)(sent * interval);
            if (due >= end || Stopwatch.GetTimestamp() >= end)
            {
                break;
            }
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                // Sleep, never spin: the generator shares two cores with the gateway. Sleep's ~1 ms
                // granularity only delays a send; the schedule is absolute, so the rate still holds.
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
                continue;
            }
            try
            {
                var stamp = Stopwatch.GetTimestamp();
                backend.Execute(statementFor(stamp, sent));
                roundTrips.Record(stamp, Stopwatch.GetTimestamp());
            }
            catch (Exception e) when (IStatementSink.IsStatementError(e))
            {
                failed++;
                firstError ??= e.Message;
            }
            sent++;
        }
        return new PublishResult(sent - failed, failed, firstError, Stopwatch.GetElapsedTime(start));
    }
}

internal sealed record PublishResult(long Sent, long Failed, string? FirstError, TimeSpan Elapsed);
