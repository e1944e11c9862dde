namespace Comet.Redis.Node;

/// <summary>
/// The unique ids of the pipe messages this node delivered lately, per pipe, so that a message that
/// reaches the node twice is delivered once. Pub/sub should never do that, but after failovers the
/// client library has been seen listening to a channel on a master and on its replica at once, and
/// Redis sends a replica every message its master publishes. A copy arrives within moments of the
/// first, so a short window per pipe is enough. Used by the router's single delivery loop only.
/// </summary>
internal sealed class RecentPipeMessages
{
    private const int Capacity = 64;
    private static readonly long MaxIdleMs = (long)TimeSpan.FromMinutes(1).TotalMilliseconds;

    private readonly Dictionary<(int DevId, string Pipe), RecentIds> _pipes = [];
    private long _lastTrim = Environment.TickCount64;

    /// <summary>False when the message was seen lately (a copy); records it otherwise.</summary>
    public bool TryAdd(int devId, string pipe, long uniqueId)
    {
        if (uniqueId == 0)
        {
            return true;
        }
        var now = Environment.TickCount64;
        if (now - _lastTrim > MaxIdleMs)
        {
            Trim(now);
        }
        if (!_pipes.TryGetValue((devId, pipe), out var ring))
        {
            _pipes[(devId, pipe)] = ring = new RecentIds(4, Capacity);
        }
        return ring.TryAdd(uniqueId, now);
    }

    private void Trim(long now)
    {
        _lastTrim = now;
        foreach (var (key, ring) in _pipes.Where(p => now - p.Value.LastUsed > MaxIdleMs).ToList())
        {
            _pipes.Remove(key);
        }
    }
}
