using System.Diagnostics;

namespace Comet.Benchmarks.Measure;

/// <summary>
/// Delivery counts and latencies (publish timestamp carried in the payload → arrival), recorded from
/// many receive loops at once without locks: one slot per delivery in a preallocated array, exact
/// percentiles at the end. Past its capacity it keeps counting but stops storing latencies.
/// </summary>
internal sealed class LatencyRecorder(int capacity)
{
    private readonly int[] _micros = new int[capacity];
    private long _count;
    private long _windowStart = long.MaxValue;
    private long _windowEnd = long.MinValue;

    /// <summary>Only deliveries of messages published inside the measurement window are recorded.</summary>
    public void Open(long from, long until)
    {
        Volatile.Write(ref _windowStart, from);
        Volatile.Write(ref _windowEnd, until);
    }

    public long Count => Interlocked.Read(ref _count);

    public void Record(long publishedAt, long now)
    {
        if (publishedAt < Volatile.Read(ref _windowStart) || publishedAt > Volatile.Read(ref _windowEnd))
        {
            return;
        }
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _micros.Length)
        {
            var micros = Stopwatch.GetElapsedTime(publishedAt, now).Ticks / 10;
            _micros[index] = (int)Math.Min(micros, int.MaxValue);
        }
    }

    /// <summary>p50/p95/p99/max in milliseconds over the stored latencies.</summary>
    public LatencySummary Summarise()
    {
        var stored = (int)Math.Min(Count, _micros.Length);
        if (stored == 0)
        {
            return new LatencySummary(double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var sorted = _micros.AsSpan(0, stored);
        sorted.Sort();
        return new LatencySummary(At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted[^1] / 1000.0);
    }

    private static double At(Span<int> sorted, double quantile) =>
        sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))] / 1000.0;
}

internal readonly record struct LatencySummary(double P50, double P95, double P99, double Max);
