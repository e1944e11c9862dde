using System.Collections.Concurrent;
using Comet.Core.Engine;

namespace Comet.Redis.Node;

/// <summary>
/// This node's view of its own connections and their pipes: what the engine must undo on disconnect
/// and register again after Redis lost its state. Redis stays the source of truth for the cluster.
/// </summary>
internal sealed class LocalConnections
{
    private readonly ConcurrentDictionary<string, Entry> _connections = new(StringComparer.Ordinal);
    // One lock for the by-user index: connects and disconnects are rare next to deliveries.
    private readonly Dictionary<(int DevId, long UserId), List<ClientRecord>> _users = [];

    public int Count => _connections.Count;

    /// <summary>Adds a connection; returns false when it was already known.</summary>
    public bool Add(ClientRecord connection)
    {
        if (!_connections.TryAdd(connection.ConnectionId, new Entry(connection)))
        {
            return false;
        }
        if (connection.UserId > 0)
        {
            lock (_users)
            {
                if (!_users.TryGetValue((connection.DevId, connection.UserId), out var list))
                {
                    _users[(connection.DevId, connection.UserId)] = list = [];
                }
                list.Add(connection);
            }
        }
        return true;
    }

    /// <summary>Removes a connection and gives the pipes it was subscribed to; false when it was unknown.</summary>
    public bool TryRemove(ClientRecord connection, out List<string> pipes)
    {
        if (!_connections.TryRemove(connection.ConnectionId, out var entry))
        {
            pipes = [];
            return false;
        }
        if (connection.UserId > 0)
        {
            lock (_users)
            {
                if (_users.TryGetValue((connection.DevId, connection.UserId), out var list))
                {
                    list.RemoveAll(c => c.ConnectionId == connection.ConnectionId);
                    if (list.Count == 0)
                    {
                        _users.Remove((connection.DevId, connection.UserId));
                    }
                }
            }
        }
        lock (entry.Pipes)
        {
            pipes = entry.Pipes.ToList();
            entry.Pipes.Clear();
            return true;
        }
    }

    /// <summary>True while the connection is registered on this node.</summary>
    public bool Contains(string connectionId) => _connections.ContainsKey(connectionId);

    /// <summary>The pipes of a connection now (empty when it is gone).</summary>
    public IReadOnlySet<string> PipesOf(string connectionId)
    {
        if (!_connections.TryGetValue(connectionId, out var entry))
        {
            return new HashSet<string>();
        }
        lock (entry.Pipes)
        {
            return entry.Pipes.ToHashSet(StringComparer.Ordinal);
        }
    }

    /// <summary>The user's connections on this node now.</summary>
    public IReadOnlyList<ClientRecord> ConnectionsOf(int devId, long userId)
    {
        lock (_users)
        {
            return _users.TryGetValue((devId, userId), out var list) ? [.. list] : [];
        }
    }

    /// <summary>Applies a subscription change to a known connection; returns the pipes that really changed
    /// (nothing for a connection that is not, or no longer, registered).</summary>
    public (List<string> Added, List<string> Removed) Update(ClientRecord connection, IEnumerable<string> added, IEnumerable<string> removed)
    {
        if (!_connections.TryGetValue(connection.ConnectionId, out var entry))
        {
            return ([], []);
        }
        var reallyRemoved = new List<string>();
        var reallyAdded = new List<string>();
        lock (entry.Pipes)
        {
            foreach (var pipe in removed)
            {
                if (entry.Pipes.Remove(pipe))
                {
                    reallyRemoved.Add(pipe);
                }
            }
            foreach (var pipe in added)
            {
                if (entry.Pipes.Add(pipe))
                {
                    reallyAdded.Add(pipe);
                }
            }
        }
        return (reallyAdded, reallyRemoved);
    }

    /// <summary>Every connection with a copy of its pipes.</summary>
    public List<(ClientRecord Connection, List<string> Pipes)> Snapshot()
    {
        var result = new List<(ClientRecord, List<string>)>(_connections.Count);
        foreach (var entry in _connections.Values)
        {
            lock (entry.Pipes)
            {
                result.Add((entry.Connection, entry.Pipes.ToList()));
            }
        }
        return result;
    }

    /// <summary>The authorised users with connections on this node.</summary>
    public List<(int DevId, long UserId)> Users
    {
        get
        {
            lock (_users)
            {
                return [.. _users.Keys];
            }
        }
    }

    /// <summary>True while the node has a connection of the user.</summary>
    public bool HasUser(int devId, long userId)
    {
        lock (_users)
        {
            return _users.ContainsKey((devId, userId));
        }
    }

    private sealed class Entry(ClientRecord connection)
    {
        public ClientRecord Connection { get; } = connection;
        public HashSet<string> Pipes { get; } = new(StringComparer.Ordinal);
    }
}
