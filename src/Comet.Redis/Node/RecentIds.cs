namespace Comet.Redis.Node;

/// <summary>
/// The last few unique message ids of one user or pipe, oldest overwritten first: a ring that grows from
/// <c>initial</c> ids to <c>capacity</c> (most users and pipes carry few messages), with the time it was
/// last touched so that idle rings can be dropped. Not thread-safe: each owner touches it from one place.
/// </summary>
internal sealed class RecentIds(int initial, int capacity)
{
    private long[] _ids = new long[initial];
    private int _next;
    private int _count;

    /// <summary>When an id was last added (or looked up with <see cref="TryAdd"/>), in <see cref="Environment.TickCount64"/> ms.</summary>
    public long LastUsed { get; private set; }

    public bool Contains(long id)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_ids[i] == id)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Adds the id unless it is there already; false when it was (a repeat).</summary>
    public bool TryAdd(long id, long now)
    {
        LastUsed = now;
        if (Contains(id))
        {
            return false;
        }
        if (_count == _ids.Length && _ids.Length < capacity)
        {
            Array.Resize(ref _ids, _ids.Length * 2);
            _next = _count;
        }
        _ids[_next] = id;
        _next = (_next + 1) % _ids.Length;
        _count = Math.Min(_count + 1, _ids.Length);
        return true;
    }
}
