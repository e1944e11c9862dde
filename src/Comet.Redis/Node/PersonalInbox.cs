using System.Globalization;
using Comet.Redis.Scripts;
using Comet.Redis.Wire;
using StackExchange.Redis;

namespace Comet.Redis.Node;

/// <summary>
/// Takes a user's new personal messages for this node's connections (after a wake-up, a pub/sub
/// reconnect, a local connect or a periodic sweep), hands them to the hub in order, then confirms
/// what the hub took. Runs inside the user's lane. What the hub could not hand to any connection
/// stays in the user's queue.
/// </summary>
internal sealed class PersonalInbox(NodeContext context)
{
    private const int TakeLimit = 256;

    /// <summary>Schedules a take for a user in its lane.</summary>
    public void Wake(int devId, long userId) => context.Lanes.RequestTake(devId, userId, TakeAsync);

    /// <summary>Schedules a take for every local user (after pub/sub was lost for a while).</summary>
    public void WakeAll()
    {
        foreach (var (devId, userId) in context.Connections.Users)
        {
            Wake(devId, userId);
        }
    }

    private async Task TakeAsync(int devId, long userId)
    {
        var keys = context.Keys;
        while (true)
        {
            var result = (RedisResult[])(await context.Client.EvalAsync(
                RedisScripts.TakeForNode,
                [keys.UserConnections(devId, userId), keys.UserQueueState(devId, userId), keys.UserQueue(devId, userId)],
                [context.Node, TakeLimit]).ConfigureAwait(false))!;
            if (result.Length == 0)
            {
                return;
            }
            long delivered = 0;
            long rewindTo = -1;
            long lastTaken = 0;
            foreach (var item in result)
            {
                var (seq, message) = QueueEntryCodec.Decode((byte[])item!);
                lastTaken = seq;
                if (rewindTo < 0)
                {
                    if (context.Delivery.DeliverToUser(devId, userId, message.ToLiveDelivery()) > 0)
                    {
                        delivered = seq;
                    }
                    else
                    {
                        // No local connection took it: it and what follows stay queued.
                        rewindTo = seq - 1;
                    }
                }
            }
            await context.Client.EvalAsync(
                RedisScripts.AckForNode,
                [keys.UserQueueState(devId, userId)],
                [context.Node, delivered, rewindTo, lastTaken.ToString(CultureInfo.InvariantCulture)]).ConfigureAwait(false);
            if (rewindTo >= 0 || result.Length < TakeLimit)
            {
                return;
            }
        }
    }
}
