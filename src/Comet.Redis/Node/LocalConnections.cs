using System.Collections.Concurrent;
using Comet.Core.Engine;

namespace Comet.Redis.Node;

/// <summary>
/// This node's view of its own connections and their pipes: what the engine must undo on disconnect
/// and re-register after Redis lost its state. Redis stays the source of truth for the cluster.
/// </summary>
internal sealed class LocalConnections
{
    private readonly ConcurrentDictionary<string, Entry> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int DevId, long UserId), int> _users = new();

    public int Count => _connections.Count;

    /// <summary>Adds a connection; returns false when it was already known.</summary>
    public bool Add(ConnectionInfo connection)
    {
        if (!_connections.TryAdd(connection.ConnectionId, new Entry(connection)))
        {
            return false;
        }
        if (connection.UserId > 0)
        {
            _users.AddOrUpdate((connection.DevId, connection.UserId), 1, (_, n) => n + 1);
        }
        return true;
    }

    /// <summary>Removes a connection and returns the pipes it was subscribed to (empty when unknown).</summary>
    public IReadOnlyList<string> Remove(ConnectionInfo connection)
    {
        if (!_connections.TryRemove(connection.ConnectionId, out var entry))
        {
            return [];
        }
        if (connection.UserId > 0)
        {
            var key = (connection.DevId, connection.UserId);
            while (_users.TryGetValue(key, out var n))
            {
                if (n <= 1 ? _users.TryRemove(new KeyValuePair<(int, long), int>(key, n)) : _users.TryUpdate(key, n - 1, n))
                {
                    break;
                }
            }
        }
        lock (entry.Pipes)
        {
            var pipes = entry.Pipes.ToList();
            entry.Pipes.Clear();
            return pipes;
        }
    }

    /// <summary>True while the connection is registered on this node.</summary>
    public bool Contains(string connectionId) => _connections.ContainsKey(connectionId);

    /// <summary>Applies a subscription change to a known connection; returns the pipes that really changed
    /// (nothing for a connection that is not, or no longer, registered).</summary>
    public (List<string> Added, List<string> Removed) Update(ConnectionInfo connection, IEnumerable<string> added, IEnumerable<string> removed)
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
    public List<(ConnectionInfo Connection, List<string> Pipes)> Snapshot()
    {
        var result = new List<(ConnectionInfo, List<string>)>(_connections.Count);
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
    public ICollection<(int DevId, long UserId)> Users => _users.Keys;

    private sealed class Entry(ConnectionInfo connection)
    {
        public ConnectionInfo Connection { get; } = connection;
        public HashSet<string> Pipes { get; } = new(StringComparer.Ordinal);
    }
}
