using Comet.Benchmarks.Measure;

namespace Comet.Benchmarks.Scenarios;

/// <summary>Waits after publishing stopped until deliveries stop arriving (or a bound), so slow
/// deliveries count with their real latency instead of being cut off.</summary>
internal static class Drain
{
    public static async Task UntilQuietAsync(LatencyRecorder recorder, long expected, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var last = -1L;
        while (DateTime.UtcNow < deadline && recorder.Count < expected)
        {
            await Task.Delay(500, cancellationToken);
            var now = recorder.Count;
            if (now == last)
            {
                return;
            }
            last = now;
        }
    }
}
