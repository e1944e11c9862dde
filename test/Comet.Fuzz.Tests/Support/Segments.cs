using System.Buffers;

namespace Comet.Fuzz.Tests.Support;

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe delivers bytes that arrived in several reads.</summary>
internal sealed class Segments : ReadOnlySequenceSegment<byte>
{
    private Segments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>Splits <paramref name="bytes"/> at the given cut points (any order, out-of-range ignored).</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, IEnumerable<int> cuts)
    {
        var points = cuts.Where(c => c > 0 && c < bytes.Length).Distinct().Order().Append(bytes.Length).ToArray();
        var first = new Segments(bytes.AsMemory(0, points[0]), 0);
        var last = first;
        for (var i = 1; i < points.Length; i++)
        {
            var next = new Segments(bytes.AsMemory(points[i - 1], points[i] - points[i - 1]), points[i - 1]);
            last.Next = next;
            last = next;
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
