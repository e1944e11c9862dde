using Comet.Core.Messages;
using Comet.Core.Options;

namespace Comet.Core.Memory;

/// <summary>
/// One user's resend window: the personal messages delivered while some acknowledging connection of the
/// user (open, or closed less than <see cref="LimitsOptions.AckWindowAge"/> ago) has not acknowledged
/// them, at most <see cref="LimitsOptions.AckWindowLength"/>, in seq order. Each such connection holds
/// the window from the seq it acknowledged; a user without them keeps nothing. Guarded by the user's lock.
/// </summary>
internal sealed class AckWindow
{
    private readonly Queue<QueuedMessage> _delivered = new();
    private readonly Dictionary<string, Hold> _holds = new(StringComparer.Ordinal);

    public bool IsEmpty => _holds.Count == 0 && _delivered.Count == 0;

    /// <summary>Some acknowledging connection may still want what is delivered now.</summary>
    public bool IsHeld => _holds.Count > 0;

    /// <summary>A connection that acknowledges opened, having processed everything up to <paramref name="after"/>.
    /// The oldest closed holds give way beyond <paramref name="maxHolds"/>.</summary>
    public void Open(string connectionId, long after, long nowTicks, int maxHolds)
    {
        _holds[connectionId] = new Hold { Seq = after, Open = true, TouchedTicks = nowTicks };
        while (_holds.Count > maxHolds)
        {
            var oldest = _holds.Where(h => !h.Value.Open).OrderBy(h => h.Value.TouchedTicks).Select(h => h.Key).FirstOrDefault();
            if (oldest is null)
            {
                break;
            }
            _holds.Remove(oldest);
        }
    }

    /// <summary>The connection processed everything up to <paramref name="seq"/> (acknowledgements only move forward).</summary>
    public void Acknowledge(string connectionId, long seq, long nowTicks)
    {
        if (_holds.TryGetValue(connectionId, out var hold))
        {
            hold.Seq = Math.Max(hold.Seq, seq);
            hold.TouchedTicks = nowTicks;
        }
    }

    /// <summary>The connection closed: its hold lasts for the window's age from now, for its next connection.</summary>
    public void Close(string connectionId, long nowTicks)
    {
        if (_holds.TryGetValue(connectionId, out var hold))
        {
            hold.Open = false;
            hold.TouchedTicks = nowTicks;
        }
    }

    /// <summary>Keeps a delivered message (in seq order) while some hold may want it.</summary>
    public void Add(QueuedMessage delivered)
    {
        if (IsHeld)
        {
            _delivered.Enqueue(delivered);
        }
    }

    /// <summary>The kept messages after <paramref name="seq"/>, oldest first.</summary>
    public IEnumerable<QueuedMessage> After(long seq) => _delivered.Where(m => m.Seq > seq);

    /// <summary>Drops expired holds, what every hold acknowledged, and what exceeds the length.</summary>
    public void Trim(long nowTicks, LimitsOptions limits)
    {
        var oldestKept = nowTicks - limits.AckWindowAge.Ticks;
        foreach (var (id, hold) in _holds)
        {
            if (!hold.Open && hold.TouchedTicks <= oldestKept)
            {
                _holds.Remove(id);
            }
        }
        var low = _holds.Count == 0 ? long.MaxValue : _holds.Values.Min(h => h.Seq);
        while (_delivered.TryPeek(out var oldest) && (oldest.Seq <= low || _delivered.Count > limits.AckWindowLength))
        {
            _delivered.Dequeue();
        }
    }

    private sealed class Hold
    {
        public long Seq { get; set; }

        public bool Open { get; set; }

        public long TouchedTicks { get; set; }
    }
}
