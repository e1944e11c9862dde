namespace Comet.Node;

/// <summary>
/// The connections of one pipe or user. Deliveries (frequent) read an immutable array snapshot
/// without locks or allocations; subscribes and disconnects change a list in O(1) and only drop the
/// snapshot, which the next delivery rebuilds once. (Copying the array on every change made a
/// subscription storm to one big pipe O(n²) under the index's lock: 5,000 subscribers starved the
/// thread pool for seconds on a busy machine.)
/// </summary>
internal sealed class SubscriberList
{
    /// <summary>Below this many members a linear search is cheaper than keeping an index.</summary>
    private const int IndexThreshold = 16;

    private readonly List<NodeClient> _items = [];
    private Dictionary<NodeClient, int>? _positions;
    private NodeClient[]? _snapshot = [];

    /// <summary>The members now, as an array no one changes (rebuilt after a change, at most once).</summary>
    public NodeClient[] Snapshot
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
    public void Add(NodeClient connection)
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
                _positions = new Dictionary<NodeClient, int>(ReferenceEqualityComparer.Instance);
                for (var i = 0; i < _items.Count; i++)
                {
                    _positions[_items[i]] = i;
                }
            }
            Volatile.Write(ref _snapshot, null);
        }
    }

    /// <summary>Removes a connection (no-op if absent); the last member takes its place.</summary>
    public void Remove(NodeClient connection)
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

    private int IndexOf(NodeClient connection) =>
        _positions is not null
            ? _positions.GetValueOrDefault(connection, -1)
            : _items.IndexOf(connection);
}
