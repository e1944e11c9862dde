using System.Collections.Concurrent;
using Comet.Core.Options;

namespace Comet.Core.Memory;

/// <summary>Everything one dev_id owns. Pipes and users are created on first use and dropped when empty.</summary>
internal sealed class MemoryNamespace(int devId)
{
    private readonly ConcurrentDictionary<string, MemoryPipe> _pipes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, MemoryUser> _users = new();

    public int DevId { get; } = devId;

    public ConcurrentDictionary<long, string> Hashes { get; } = new();

    public ConcurrentDictionary<long, string> Data { get; } = new();

    /// <summary>Revoked tokens and the UTC ticks at which each revocation is forgotten.</summary>
    public ConcurrentDictionary<string, long> RevokedTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Locks a pipe, creating it if needed. Release it with <see cref="Release(MemoryPipe)"/>.</summary>
    public MemoryPipe LockPipe(string name)
    {
        while (true)
        {
            var pipe = _pipes.GetOrAdd(name, static key => new MemoryPipe(key));
            pipe.Sync.Enter();
            if (!pipe.Removed)
            {
                return pipe;
            }
            pipe.Sync.Exit();
        }
    }

    /// <summary>Locks a pipe only if it exists (a missing pipe has no settings, log or subscribers).</summary>
    public MemoryPipe? TryLockPipe(string name)
    {
        if (!_pipes.TryGetValue(name, out var pipe))
        {
            return null;
        }
        pipe.Sync.Enter();
        if (pipe.Removed)
        {
            pipe.Sync.Exit();
            return null;
        }
        return pipe;
    }

    /// <summary>Unlocks a pipe, dropping it from the namespace when nothing is left in it.</summary>
    public void Release(MemoryPipe pipe)
    {
        if (pipe.IsEmpty)
        {
            pipe.Removed = true;
            _pipes.TryRemove(new KeyValuePair<string, MemoryPipe>(pipe.Name, pipe));
        }
        pipe.Sync.Exit();
    }

    /// <summary>Locks a user, creating it if needed. Release it with <see cref="Release(MemoryUser)"/>.</summary>
    public MemoryUser LockUser(long userId)
    {
        while (true)
        {
            var user = _users.GetOrAdd(userId, static id => new MemoryUser(id));
            user.Sync.Enter();
            if (!user.Removed)
            {
                return user;
            }
            user.Sync.Exit();
        }
    }

    /// <summary>Locks a user only if it exists.</summary>
    public MemoryUser? TryLockUser(long userId)
    {
        if (!_users.TryGetValue(userId, out var user))
        {
            return null;
        }
        user.Sync.Enter();
        if (user.Removed)
        {
            user.Sync.Exit();
            return null;
        }
        return user;
    }

    /// <summary>Unlocks a user, dropping it when it has no connection, no queue and no users_time.</summary>
    public void Release(MemoryUser user)
    {
        if (user.IsEmpty)
        {
            user.Removed = true;
            _users.TryRemove(new KeyValuePair<long, MemoryUser>(user.UserId, user));
        }
        user.Sync.Exit();
    }

    /// <summary>A moment's view of the pipes, for scans (log entry deletion, the sweep).</summary>
    public ICollection<string> PipeKeys => _pipes.Keys;

    /// <summary>A moment's view of the users, for the sweep.</summary>
    public ICollection<long> UserKeys => _users.Keys;

    /// <summary>Drops what has expired: trust_ log entries, queued messages, resend windows, revocations.</summary>
    public void Sweep(long nowTicks, LimitsOptions limits)
    {
        foreach (var name in PipeKeys)
        {
            var pipe = TryLockPipe(name);
            if (pipe is not null)
            {
                pipe.Expire(nowTicks);
                Release(pipe);
            }
        }
        foreach (var userId in UserKeys)
        {
            var user = TryLockUser(userId);
            if (user is not null)
            {
                user.Expire(nowTicks);
                user.Window.Trim(nowTicks, limits);
                Release(user);
            }
        }
        foreach (var (token, expiresAtTicks) in RevokedTokens)
        {
            if (expiresAtTicks <= nowTicks)
            {
                RevokedTokens.TryRemove(new KeyValuePair<string, long>(token, expiresAtTicks));
            }
        }
    }
}
