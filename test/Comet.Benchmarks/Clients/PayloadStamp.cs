using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;

namespace Comet.Benchmarks.Clients;

/// <summary>
/// The publish timestamp carried inside a message: <c>tsQ&lt;Stopwatch ticks&gt;Q</c> then padding to the
/// wanted size. Letters and digits only, so the gateway writes it into JSON unchanged and the receiver
/// finds it with a byte search instead of parsing JSON. Publisher and receivers are this one process,
/// so both read the same monotonic clock.
/// </summary>
internal static class PayloadStamp
{
    private static ReadOnlySpan<byte> Marker => "tsQ"u8;

    public static string Create(long timestamp, int size)
    {
        var stamp = "tsQ" + timestamp.ToString(CultureInfo.InvariantCulture) + "Q";
        return stamp.Length >= size ? stamp : stamp + new string('x', size - stamp.Length);
    }

    /// <summary>Finds every stamp in one frame (a frame may hold several messages) and records it.</summary>
    public static int Scan(ReadOnlySpan<byte> frame, Measure.LatencyRecorder recorder)
    {
        var now = Stopwatch.GetTimestamp();
        var found = 0;
        while (true)
        {
            var at = frame.IndexOf(Marker);
            if (at < 0)
            {
                return found;
            }
            frame = frame[(at + Marker.Length)..];
            if (Utf8Parser.TryParse(frame, out long timestamp, out var consumed) && consumed < frame.Length && frame[consumed] == (byte)'Q')
            {
                recorder.Record(timestamp, now);
                found++;
            }
        }
    }
}
