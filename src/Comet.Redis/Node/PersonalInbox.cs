using Comet.Redis.Scripts;
using Comet.Redis.Wire;

namespace Comet.Redis.Node;

/// <summary>
/// Takes a user's new personal messages for this node's connections (after a wake-up, a reconnect or a
/// failover, a local connect or a periodic sweep), hands them to the node in order, then confirms what
/// the node took. Runs inside the user's lane. What the node could not hand to any connection stays in
/// the user's queue; what this node handed out lately is not handed out again (see
/// <see cref="RecentDeliveries"/>).
/// </summary>
internal sealed partial class PersonalInbox(NodeContext context)
{
    private const int TakeLimit = 256;

    /// <summary>The messages handed to each local user lately.</summary>
    public RecentDeliveries Recent { get; } = new();

    /// <summary>Schedules a take for a user in its lane.</summary>
    public void Wake(int devId, long userId) => context.Lanes.RequestTake(devId, userId, TakeAsync);

    /// <summary>Schedules a take for every local user (after pub/sub was lost for a while).</summary>
    public void WakeAll()
    {
        foreach (var (devId, userId) in context.Local.Users)
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
            LogDelivery(context.Logger, userId, entry.Seq, entry.UniqueId, "repeat skipped", context.Registration);
            return true;
        }
        var message = live ? entry.Message.ToLiveDelivery() : entry.Message.ToQueuedDelivery();
        if (context.Local.DeliverToUser(devId, userId, message) == 0)
        {
            LogDelivery(context.Logger, userId, entry.Seq, entry.UniqueId, "no connection", context.Registration);
            return false;
        }
        LogDelivery(context.Logger, userId, entry.Seq, entry.UniqueId, live ? "delivered" : "delivered from the queue", context.Registration);
        Recent.Add(devId, userId, entry.UniqueId);
        return true;
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "Personal message to user {UserId}: seq {Seq} id {UniqueId} {Outcome} (registration {Registration})")]
    private static partial void LogDelivery(Microsoft.Extensions.Logging.ILogger logger, long userId, long seq, long uniqueId, string outcome, string registration);

    /// <summary>Confirms that the registration handed the user's messages up to <paramref name="last"/> to
    /// its connections (ack_for_node.lua); false when that seq holds another message now (a failover lost
    /// the one handed on), and the caller takes again.</summary>
    public async Task<bool> ConfirmAsync(int devId, long userId, string registration, QueueEntry last)
    {
        var keys = context.Keys;
        var result = await context.Client.EvalAsync(
            RedisScripts.AckForNode,
            [keys.UserQueueState(devId, userId), keys.UserQueue(devId, userId)],
            [registration, last.Seq, last.UniqueId]).ConfigureAwait(false);
        return result.AsLong() == 1;
    }

    private async Task TakeAsync(int devId, long userId)
    {
        var keys = context.Keys;
        var retakes = 0;
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
            QueueEntry? last = null;
            foreach (var item in result.Items())
            {
                var entry = QueueEntryCodec.Decode(item);
                if (!Deliver(devId, userId, entry, live: true))
                {
                    // No local connection took it: it and what follows stay queued, in order.
                    break;
                }
                last = entry;
            }
            if (last is not { } confirmed)
            {
                return;
            }
            if (!await ConfirmAsync(devId, userId, node, confirmed).ConfigureAwait(false))
            {
                // The history changed under us (a failover): what is there now was not handed on yet.
                // Bounded, in case it keeps changing; the next wake-up or sweep takes again.
                if (++retakes > 3)
                {
                    return;
                }
                continue;
            }
            if (result.Length < TakeLimit)
            {
                return;
            }
        }
    }
}
