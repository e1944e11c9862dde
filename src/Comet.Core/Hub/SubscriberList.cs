namespace Comet.Core.Hub;

/// <summary>
/// An immutable array of connections, replaced on every change: deliveries (frequent) read it
/// without locks or allocations; subscribes and disconnects (rare) copy it under the hub's lock.
/// </summary>
internal sealed class SubscriberList
{
    private HubConnection[] _items = [];

    public HubConnection[] Snapshot => Volatile.Read(ref _items);

    public bool IsEmpty => Snapshot.Length == 0;

    /// <summary>Adds a connection (the caller holds the hub's lock).</summary>
    public void Add(HubConnection connection)
    {
        var items = _items;
        if (Array.IndexOf(items, connection) >= 0)
        {
            return;
        }
        var copy = new HubConnection[items.Length + 1];
        items.CopyTo(copy, 0);
        copy[^1] = connection;
        Volatile.Write(ref _items, copy);
    }

    /// <summary>Removes a connection (the caller holds the hub's lock).</summary>
    public void Remove(HubConnection connection)
    {
        var items = _items;
        var index = Array.IndexOf(items, connection);
        if (index < 0)
        {
            return;
        }
        var copy = new HubConnection[items.Length - 1];
        Array.Copy(items, 0, copy, 0, index);
        Array.Copy(items, index + 1, copy, index, items.Length - index - 1);
        Volatile.Write(ref _items, copy);
    }
}
