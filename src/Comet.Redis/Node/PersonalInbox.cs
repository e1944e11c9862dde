using System.Globalization;
using Comet.Redis.Scripts;
using Comet.Redis.Wire;

namespace Comet.Redis.Node;

/// <summary>
/// Takes a user's new personal messages for this node's connections (after a wake-up, a reconnect or a
/// failover, a local connect or a periodic sweep), hands them to the hub in order, then confirms what
/// the hub took. Runs inside the user's lane. What the hub could not hand to any connection stays in
/// the user's queue; what this node handed out lately is not handed out again (see
/// <see cref="RecentDeliveries"/>).
/// </summary>
internal sealed class PersonalInbox(NodeContext context)
{
    private const int TakeLimit = 256;

    /// <summary>The messages handed to each local user lately.</summary>
    public RecentDeliveries Recent { get; } = new();

    /// <summary>Schedules a take for a user in its lane.</summary>
    public void Wake(int devId, long userId) => context.Lanes.RequestTake(devId, userId, TakeAsync);

    /// <summary>Schedules a take for every local user (after pub/sub was lost for a while).</summary>
    public void WakeAll()
    {
        foreach (var (devId, userId) in context.Connections.Users)
        {
            Wake(devId, userId);
        }
        Recent.Trim();
    }

    /// <summary>Hands an entry to the user's connections unless they had it already; false when no
    /// connection is left to take it. Call from the user's lane.</summary>
    public bool Deliver(int devId, long userId, QueueEntry entry, bool live)
    {
        if (Recent.Contains(devId, userId, entry.UniqueId))
        {
            return true;
        }
        var message = live ? entry.Message.ToLiveDelivery() : entry.Message.ToQueuedDelivery();
        if (context.Delivery.DeliverToUser(devId, userId, message) == 0)
        {
            return false;
        }
        Recent.Add(devId, userId, entry.UniqueId);
        return true;
    }

    private async Task TakeAsync(int devId, long userId)
    {
        var keys = context.Keys;
        while (true)
        {
            var node = context.Registration;
            var result = await context.Client.EvalAsync(
                RedisScripts.TakeForNode,
                [keys.UserConnections(devId, userId), keys.UserQueueState(devId, userId), keys.UserQueue(devId, userId)],
                [node, TakeLimit]).ConfigureAwait(false);
            if (result.Length == 0)
            {
                return;
            }
            long delivered = 0;
            long rewindTo = -1;
            long lastTaken = 0;
            foreach (var item in result.Items())
            {
                var entry = QueueEntryCodec.Decode(item);
                lastTaken = entry.Seq;
                if (rewindTo < 0)
                {
                    if (Deliver(devId, userId, entry, live: true))
                    {
                        delivered = entry.Seq;
                    }
                    else
                    {
                        // No local connection took it: it and what follows stay queued.
                        rewindTo = entry.Seq - 1;
                    }
                }
            }
            await context.Client.EvalAsync(
                RedisScripts.AckForNode,
                [keys.UserQueueState(devId, userId)],
                [node, delivered, rewindTo, lastTaken.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
            if (rewindTo >= 0 || result.Length < TakeLimit)
            {
                return;
            }
        }
    }
}
