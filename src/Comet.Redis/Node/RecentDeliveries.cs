using System.Collections.Concurrent;

namespace Comet.Redis.Node;

/// <summary>
/// The unique ids of the personal messages this node handed to each local user lately, so that a
/// message taken again is not delivered twice. That happens after a failover lost a write that had
/// moved the node's read position or the queue's acknowledgement (replication is asynchronous): the
/// node then takes again what its connections already have. Only recent ids matter (a failover can
/// only undo the last moments), so each user keeps at most <see cref="Capacity"/> ids for at most
/// <see cref="MaxAge"/>. Each user's ids are only touched from that user's lane.
/// </summary>
internal sealed class RecentDeliveries
{
    public const int Capacity = 256;
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<(int DevId, long UserId), RecentIds> _users = new();

    /// <summary>True when the message was handed to the user's connections lately.</summary>
    public bool Contains(int devId, long userId, long uniqueId) =>
        uniqueId != 0 && _users.TryGetValue((devId, userId), out var ring) && ring.Contains(uniqueId);

    public void Add(int devId, long userId, long uniqueId)
    {
        if (uniqueId != 0)
        {
            _users.GetOrAdd((devId, userId), _ => new RecentIds(8, Capacity)).TryAdd(uniqueId, Environment.TickCount64);
        }
    }

    /// <summary>Forgets a user who has no connection here any more.</summary>
    public void Forget(int devId, long userId) => _users.TryRemove((devId, userId), out _);

    /// <summary>Drops ids older than <see cref="MaxAge"/>, and users left with none (run now and then).</summary>
    public void Trim()
    {
        var oldest = Environment.TickCount64 - (long)MaxAge.TotalMilliseconds;
        foreach (var (key, ring) in _users)
        {
            if (ring.LastUsed < oldest)
            {
                _users.TryRemove(new KeyValuePair<(int, long), RecentIds>(key, ring));
            }
        }
    }
}
