using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;

namespace Comet.Core.Memory;

/// <summary>Pipe publishing and personal messages, in memory: delivery is a direct call into the node.</summary>
internal sealed class MemoryMessageBus(MemoryState state) : IMessageBus
{
    /// <summary>Every message of this process reaches the node directly: there is nothing to listen to.</summary>
    private static readonly Task<IAsyncDisposable> AlwaysListening = Task.FromResult<IAsyncDisposable>(new NothingToStop());

    public Task<long> PublishAsync(int devId, CometMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        MemoryState.ValidatePipe(message.Pipe);
        var count = Publish(state.Namespace(devId), message);
        state.Metrics.PipeMessagePublished();
        return Task.FromResult(count);
    }

    /// <summary>
    /// Logs (when the pipe logs) and delivers under the pipe's lock, so the log and every subscriber
    /// see one pipe's messages in the same order. Presence events go through here too.
    /// </summary>
    internal long Publish(MemoryNamespace space, CometMessage message)
    {
        var pipe = PipeNames.IsAlwaysLogged(message.Pipe)
            ? space.LockPipe(message.Pipe)
            : space.TryLockPipe(message.Pipe);
        if (pipe is null)
        {
            // No settings, no log, no subscribers: nothing to record and nobody to count.
            state.Node.DeliverToPipe(space.DevId, message);
            return 0;
        }
        try
        {
            var capacity = state.LogCapacity(pipe);
            if (capacity > 0)
            {
                var now = state.Now;
                var expiresAtTicks = PipeNames.IsAlwaysLogged(pipe.Name)
                    ? MemoryState.Expiry(now.UtcTicks, state.Limits.TrustLogTtl)
                    : long.MaxValue;
                pipe.Expire(now.UtcTicks);
                var entry = new LogEntry(
                    Guid.NewGuid().ToString("N"),
                    message.SendTime ?? now.ToUnixTimeSeconds(),
                    message.Pipe,
                    message.Event,
                    message.Data,
                    message.UserId ?? 0);
                pipe.Append(entry, expiresAtTicks, capacity);
            }
            state.Node.DeliverToPipe(space.DevId, message);
            return pipe.Subscribers.Count;
        }
        finally
        {
            space.Release(pipe);
        }
    }

    public Task SendToUserAsync(int devId, long userId, string @event, string message)
    {
        MemoryState.ValidateUserId(userId);
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(message);
        var space = state.Namespace(devId);
        var now = state.Now;
        var user = space.LockUser(userId);
        try
        {
            var personal = new QueuedMessage(Guid.NewGuid().ToString("N"), @event, message, now.ToUnixTimeSeconds(), user.NextSeq(now.ToUnixTimeMilliseconds()));
            // Under the user's lock: a connection that registers concurrently either gets this message
            // live or finds it in the queue it takes, never neither and never both.
            var delivered = user.Connections.Count > 0
                && state.Node.DeliverToUser(devId, userId, personal.ToLiveDelivery()) > 0;
            if (delivered)
            {
                user.Window.Add(personal);
                user.Window.Trim(now.UtcTicks, state.Limits);
            }
            else
            {
                user.Expire(now.UtcTicks);
                var dropped = user.Enqueue(
                    personal,
                    MemoryState.Expiry(now.UtcTicks, state.Limits.OfflineQueueTtl),
                    state.Limits.OfflineQueueLength);
                if (dropped > 0)
                {
                    state.Metrics.QueuedMessagesDropped(dropped);
                }
            }
        }
        finally
        {
            space.Release(user);
        }
        state.Metrics.PersonalMessageSent();
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<QueuedMessage>> GetQueueAsync(int devId, long userId)
    {
        var space = state.Namespace(devId);
        var user = space.TryLockUser(userId);
        if (user is null)
        {
            return Task.FromResult<IReadOnlyList<QueuedMessage>>([]);
        }
        try
        {
            user.Expire(state.Now.UtcTicks);
            return Task.FromResult<IReadOnlyList<QueuedMessage>>(user.PeekQueue());
        }
        finally
        {
            space.Release(user);
        }
    }

    public Task ClearQueueAsync(int devId, long userId)
    {
        var space = state.Namespace(devId);
        var user = space.TryLockUser(userId);
        if (user is not null)
        {
            user.ClearQueue();
            space.Release(user);
        }
        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> ListenToPipeAsync(int devId, string pipe) => AlwaysListening;

    public Task<IAsyncDisposable> ListenToUserAsync(int devId, long userId) => AlwaysListening;

    public Task CloseUserAsync(int devId, long userId, string? credential)
    {
        _ = state.Namespace(devId);
        state.Node.CloseUser(devId, userId, credential);
        return Task.CompletedTask;
    }

    private sealed class NothingToStop : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
