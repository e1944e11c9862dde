using System.Runtime.InteropServices;

namespace Comet.CometQL.Execution;

/// <summary>
/// A count and a sum that any number of threads add to without a lock: each adds into the slot of the
/// core it runs on (slots far enough apart that two cores never share a cache line), and <see cref="Read"/>
/// sums the slots. Integer and floating measurements keep separate sums so integer counters stay exact.
/// </summary>
internal sealed class StripedTotal
{
    private static readonly int Mask = SlotCount() - 1;
    private readonly Slot[] _slots = new Slot[Mask + 1];

    /// <summary>Adds to the sum (a counter: no count, one atomic add).</summary>
    public void Add(long value) => Interlocked.Add(ref _slots[Thread.GetCurrentProcessorId() & Mask].LongSum, value);

    /// <summary>Counts one measurement (a histogram's count).</summary>
    public void Increment() => Interlocked.Increment(ref _slots[Thread.GetCurrentProcessorId() & Mask].Count);

    /// <summary>Adds to the sum (a counter or a histogram of floating values).</summary>
    public void Add(double value)
    {
        ref var slot = ref _slots[Thread.GetCurrentProcessorId() & Mask];
        var current = Volatile.Read(ref slot.DoubleSum);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref slot.DoubleSum, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }
            current = seen;
        }
    }

    /// <summary>Measurements counted and the sum, over all slots (a moment's view while others add).</summary>
    public (long Count, double Sum) Read()
    {
        long count = 0;
        long longSum = 0;
        double doubleSum = 0;
        for (var i = 0; i < _slots.Length; i++)
        {
            count += Volatile.Read(ref _slots[i].Count);
            longSum += Volatile.Read(ref _slots[i].LongSum);
            doubleSum += Volatile.Read(ref _slots[i].DoubleSum);
        }
        return (count, longSum + doubleSum);
    }

    /// <summary>A power of two at or above the core count (at most 8: a slot is 128 bytes, and per-series totals multiply it).</summary>
    private static int SlotCount()
    {
        var count = 1;
        while (count < Math.Min(Environment.ProcessorCount, 8))
        {
            count <<= 1;
        }
        return count;
    }

    // 128 bytes: the fields of two slots are never on one 64-byte line, however the array is aligned.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Slot
    {
        [FieldOffset(0)]
        public long Count;

        [FieldOffset(8)]
        public long LongSum;

        [FieldOffset(16)]
        public double DoubleSum;
    }
}
