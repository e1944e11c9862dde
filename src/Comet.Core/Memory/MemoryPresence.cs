using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;

namespace Comet.Core.Memory;

/// <summary>Connections, subscriptions and users_time, in memory, with the events they cause.</summary>
internal sealed class MemoryPresence(MemoryState state, MemoryMessageBus bus) : IPresence
{
    public Task<ConnectResult> ConnectAsync(ClientRecord connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(connection.ConnectionId);
        MemoryState.ValidateUserId(connection.UserId);
        var space = state.Namespace(connection.DevId);
        if (connection.UserId == 0)
        {
            // An anonymous connection counts only in the pipes it subscribes to.
            return Task.FromResult(ConnectResult.Empty);
        }

        var user = space.LockUser(connection.UserId);
        try
        {
            if (user.Connections.ContainsKey(connection.ConnectionId))
            {
                return Task.FromResult(ConnectResult.Empty);
            }
            if (user.Connections.Count >= state.Limits.MaxConnectionsPerUser)
            {
                return Task.FromResult(ConnectResult.TooManyConnections);
            }
            user.Connections.Add(connection.ConnectionId, connection);
            var nowTicks = state.Now.UtcTicks;
            user.Expire(nowTicks);
            var queued = user.TakeQueue();
            if (user.Connections.Count == 1)
            {
                user.LastSeen = 0;
                bus.Publish(space, PresenceEvents.UserOnline(connection.UserId));
            }
            if (connection.ResumeAfter is { } after)
            {
                return Task.FromResult(Resume(user, connection.ConnectionId, after, queued, nowTicks));
            }
            foreach (var message in queued)
            {
                user.Window.Add(message);
            }
            return Task.FromResult(new ConnectResult(true, queued) { ResumedAfter = user.LastSeq });
        }
        finally
        {
            space.Release(user);
        }
    }

    public Task DisconnectAsync(ClientRecord connection, IReadOnlyCollection<string> pipes)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(pipes);
        var space = state.Namespace(connection.DevId);
        Unsubscribe(space, connection, pipes);
        if (connection.UserId > 0)
        {
            var user = space.TryLockUser(connection.UserId);
            if (user is not null)
            {
                try
                {
                    user.Window.Close(connection.ConnectionId, state.Now.UtcTicks);
                    if (user.Connections.Remove(connection.ConnectionId) && user.Connections.Count == 0)
                    {
                        user.LastSeen = state.Now.ToUnixTimeSeconds();
                        bus.Publish(space, PresenceEvents.UserOffline(connection.UserId));
                    }
                }
                finally
                {
                    space.Release(user);
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task UpdateSubscriptionsAsync(ClientRecord connection, IReadOnlyCollection<string> added, IReadOnlyCollection<string> removed)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(added);
        ArgumentNullException.ThrowIfNull(removed);
        foreach (var pipe in added)
        {
            MemoryState.ValidatePipe(pipe);
        }
        var space = state.Namespace(connection.DevId);
        Unsubscribe(space, connection, removed);
        var sendTime = state.Now.ToUnixTimeSeconds();
        foreach (var pipe in added)
        {
            var locked = space.LockPipe(pipe);
            var joined = locked.Subscribers.TryAdd(connection.ConnectionId, connection);
            space.Release(locked);
            if (joined && PipeNames.IsTracked(pipe))
            {
                bus.Publish(space, PresenceEvents.Joined(pipe, connection, sendTime));
            }
        }
        return Task.CompletedTask;
    }

    public Task<bool> AcknowledgeAsync(ClientRecord connection, long seq)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var space = state.Namespace(connection.DevId);
        var user = space.TryLockUser(connection.UserId);
        if (user is null)
        {
            return Task.FromResult(false);
        }
        try
        {
            if (seq > user.LastSeq)
            {
                return Task.FromResult(false);
            }
            var nowTicks = state.Now.UtcTicks;
            user.Window.Acknowledge(connection.ConnectionId, seq, nowTicks);
            user.Window.Trim(nowTicks, state.Limits);
            return Task.FromResult(true);
        }
        finally
        {
            space.Release(user);
        }
    }

    public Task<IReadOnlyList<PipeCount>> CountSubscribersAsync(int devId, IReadOnlyCollection<string> pipes)
    {
        ArgumentNullException.ThrowIfNull(pipes);
        var space = state.Namespace(devId);
        var result = new List<PipeCount>(pipes.Count);
        foreach (var name in pipes)
        {
            var locked = name is null ? null : space.TryLockPipe(name);
            var count = 0;
            if (locked is not null)
            {
                count = locked.Subscribers.Count;
                space.Release(locked);
            }
            result.Add(new PipeCount(name!, count));
        }
        return Task.FromResult<IReadOnlyList<PipeCount>>(result);
    }

    public Task<IReadOnlyList<ClientRecord>> GetSubscribersAsync(int devId, string pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        var space = state.Namespace(devId);
        var locked = space.TryLockPipe(pipe);
        if (locked is null)
        {
            return Task.FromResult<IReadOnlyList<ClientRecord>>([]);
        }
        try
        {
            return Task.FromResult<IReadOnlyList<ClientRecord>>([.. locked.Subscribers.Values]);
        }
        finally
        {
            space.Release(locked);
        }
    }

    public Task<IReadOnlyList<UserTime>> GetUserTimesAsync(int devId, IReadOnlyCollection<long> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var space = state.Namespace(devId);
        var result = new List<UserTime>(userIds.Count);
        foreach (var userId in userIds)
        {
            var user = space.TryLockUser(userId);
            var time = MemoryUser.Unknown;
            if (user is not null)
            {
                time = user.Connections.Count > 0 ? 0 : user.LastSeen;
                space.Release(user);
            }
            result.Add(new UserTime(userId, time));
        }
        return Task.FromResult<IReadOnlyList<UserTime>>(result);
    }

    /// <summary>
    /// Connects a client that acknowledges: it gets what the window holds after its seq, then the queue
    /// (both newer than anything it could have processed when it resumes), and holds the window from then
    /// on. A resume the window can no longer serve whole says which seqs it lost.
    /// </summary>
    private ConnectResult Resume(MemoryUser user, string connectionId, long after, QueuedMessage[] queued, long nowTicks)
    {
        user.Window.Trim(nowTicks, state.Limits);
        List<QueuedMessage> messages = after > 0 ? [.. user.Window.After(after), .. queued] : [.. queued];
        var resumedAfter = after > 0 ? after
            : queued.Length > 0 ? queued[0].Seq - 1
            : user.SeqBeforeNext(state.Now.ToUnixTimeMilliseconds());
        SeqRange? missed = null;
        if (after > 0 && after < user.LastSeq)
        {
            var first = messages.Count > 0 ? messages[0].Seq : user.LastSeq + 1;
            if (first > after + 1)
            {
                missed = new SeqRange(after + 1, first - 1);
            }
        }
        user.Window.Open(connectionId, resumedAfter, nowTicks, MaxHolds);
        foreach (var message in queued)
        {
            user.Window.Add(message);
        }
        return new ConnectResult(true, messages) { ResumedAfter = resumedAfter, Missed = missed };
    }

    /// <summary>Holds one user's window keeps: room for every open connection and three closed ones each.</summary>
    private int MaxHolds => state.Limits.MaxConnectionsPerUser * 4;

    /// <summary>Takes the connection out of the pipes, announcing it on the track_ pipes it was in.</summary>
    private void Unsubscribe(MemoryNamespace space, ClientRecord connection, IReadOnlyCollection<string> pipes)
    {
        var sendTime = state.Now.ToUnixTimeSeconds();
        foreach (var pipe in pipes)
        {
            var locked = pipe is null ? null : space.TryLockPipe(pipe);
            if (locked is null)
            {
                continue;
            }
            var left = locked.Subscribers.Remove(connection.ConnectionId);
            space.Release(locked);
            if (left && PipeNames.IsTracked(pipe!))
            {
                bus.Publish(space, PresenceEvents.Left(pipe!, connection, sendTime));
            }
        }
    }
}
