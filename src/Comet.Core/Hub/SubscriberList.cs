namespace Comet.Core.Hub;

/// <summary>
/// The connections of one pipe or user. Deliveries (frequent) read an immutable array snapshot
/// without locks or allocations; subscribes and disconnects change a list in O(1) and only drop the
/// snapshot, which the next delivery rebuilds once. (Copying the array on every change made a
/// subscription storm to one big pipe O(n²) under the hub's lock: 5,000 subscribers starved the
/// thread pool for seconds on a busy machine.)
/// </summary>
internal sealed class SubscriberList
{
    /// <summary>Below this many members a linear search is cheaper than keeping an index.</summary>
    private const int IndexThreshold = 16;

    private readonly List<HubConnection> _items = [];
    private Dictionary<HubConnection, int>? _positions;
    private HubConnection[]? _snapshot = [];

    /// <summary>The members now, as an array no one changes (rebuilt after a change, at most once).</summary>
    public HubConnection[] Snapshot
    {
        get
        {
            var snapshot = Volatile.Read(ref _snapshot);
            if (snapshot is not null)
            {
                return snapshot;
            }
            lock (_items)
            {
                snapshot = _snapshot ?? [.. _items];
                Volatile.Write(ref _snapshot, snapshot);
                return snapshot;
            }
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (_items)
            {
                return _items.Count == 0;
            }
        }
    }

    /// <summary>Adds a connection (no-op if present).</summary>
    public void Add(HubConnection connection)
    {
        lock (_items)
        {
            if (IndexOf(connection) >= 0)
            {
                return;
            }
            _items.Add(connection);
            if (_positions is not null)
            {
                _positions[connection] = _items.Count - 1;
            }
            else if (_items.Count > IndexThreshold)
            {
                _positions = new Dictionary<HubConnection, int>(ReferenceEqualityComparer.Instance);
                for (var i = 0; i < _items.Count; i++)
                {
                    _positions[_items[i]] = i;
                }
            }
            Volatile.Write(ref _snapshot, null);
        }
    }

    /// <summary>Removes a connection (no-op if absent); the last member takes its place.</summary>
    public void Remove(HubConnection connection)
    {
        lock (_items)
        {
            var index = IndexOf(connection);
            if (index < 0)
            {
                return;
            }
            var last = _items[^1];
            _items[index] = last;
            _items.RemoveAt(_items.Count - 1);
            if (_positions is not null)
            {
                _positions.Remove(connection);
                if (!ReferenceEquals(last, connection))
                {
                    _positions[last] = index;
                }
            }
            Volatile.Write(ref _snapshot, null);
        }
    }

    private int IndexOf(HubConnection connection) =>
        _positions is not null
            ? _positions.GetValueOrDefault(connection, -1)
            : _items.IndexOf(connection);
}
