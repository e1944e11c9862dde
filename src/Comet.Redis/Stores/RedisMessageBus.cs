using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.Redis.Node;
using Comet.Redis.Scripts;
using Comet.Redis.Wire;

namespace Comet.Redis.Stores;

/// <summary>
/// Pipe messages: log + publish in one script. Personal messages: queue first, wake second (see
/// send_to_user.lua and <see cref="PersonalInbox"/>), so that nothing is lost when pub/sub is, and
/// acknowledged only once a replica has them too (durable writes), so that a failover loses nothing.
/// </summary>
internal sealed class RedisMessageBus(NodeContext context) : IMessageBus
{
    private RedisKeys Keys => context.Keys;

    public async Task<long> PublishAsync(int devId, CometMessage message)
    {
        var pipe = message.Pipe;
        var now = context.NowSeconds;
        var trusted = PipeNames.IsAlwaysLogged(pipe);
        var entry = LogEntryCodec.Encode(LogEntryCodec.NewId(pipe), message.SendTime ?? now, message.Event, message.Data, message.UserId ?? 0, now);
        var result = await context.Client.EvalAsync(
            RedisScripts.Publish,
            [Keys.PipeSettings(devId, pipe), Keys.PipeLog(devId, pipe), Keys.PipeSubscribers(devId, pipe)],
            [trusted ? context.Limits.MaxPipeLogLength : 0,
             trusted ? (long)context.Limits.TrustLogTtl.TotalMilliseconds : 0,
             entry, Keys.PipePublishChannel(devId, pipe).Name, BusPayload.PipeMessage(message, context.Identity.Id, context.NowMilliseconds),
             Keys.PublishCommand]).ConfigureAwait(false);
        context.Metrics?.PipeMessagePublished();
        // This node delivers its own messages directly; other nodes get them over pub/sub.
        context.Local.DeliverToPipe(devId, message);
        return result.AsLong();
    }

    public async Task SendToUserAsync(int devId, long userId, string @event, string message)
    {
        var result = await context.Client.EvalDurableAsync(
            RedisScripts.SendToUser,
            [Keys.UserConnections(devId, userId), Keys.UserQueueState(devId, userId), Keys.UserQueue(devId, userId)],
            [QueueEntryCodec.EncodeBody(context.NowSeconds, @event, message),
             context.Limits.OfflineQueueLength,
             (long)context.Limits.OfflineQueueTtl.TotalMilliseconds,
             Keys.UserPublishChannel(devId, userId).Name,
             BusPayload.UserWakeUp(devId, userId),
             Keys.PublishCommand,
             context.NowMilliseconds,
             (long)context.Limits.AckWindowAge.TotalMilliseconds,
             context.Limits.AckWindowLength]).ConfigureAwait(false);
        context.Metrics?.PersonalMessageSent();
        var dropped = result[1].AsLong();
        if (dropped > 0)
        {
            context.Metrics?.QueuedMessagesDropped(dropped);
        }
    }

    public async Task<IReadOnlyList<QueuedMessage>> GetQueueAsync(int devId, long userId)
    {
        var result = await context.Client.EvalAsync(
            RedisScripts.QueueGet,
            [Keys.UserQueueState(devId, userId), Keys.UserQueue(devId, userId)],
            []).ConfigureAwait(false);
        var oldest = context.NowSeconds - (long)context.Limits.OfflineQueueTtl.TotalSeconds;
        return result.Items()
            .Select(r => QueueEntryCodec.Decode(r).Message)
            .Where(m => m.Time >= oldest)
            .ToList();
    }

    public Task ClearQueueAsync(int devId, long userId) =>
        context.Client.EvalAsync(
            RedisScripts.QueueClear,
            [Keys.UserQueueState(devId, userId), Keys.UserQueue(devId, userId)],
            []);

    public Task<IAsyncDisposable> ListenToPipeAsync(int devId, string pipe) => context.Router.ListenToPipeAsync(devId, pipe);

    public Task<IAsyncDisposable> ListenToUserAsync(int devId, long userId) => context.Router.ListenToUserAsync(devId, userId);

    public Task CloseUserAsync(int devId, long userId, string? credential) =>
        context.Client.PublishAsync(Keys.UserPublishChannel(devId, userId), BusPayload.CloseUser(devId, userId, credential));
}
