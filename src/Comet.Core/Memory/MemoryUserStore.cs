using System.Collections.Concurrent;
using Comet.Core.Engine;

namespace Comet.Core.Memory;

/// <summary>users_auth hashes, users_data and revoked tokens, in memory.</summary>
internal sealed class MemoryUserStore(MemoryState state) : IUserStore
{
    public Task<IReadOnlyList<UserValue>> GetHashesAsync(int devId, IReadOnlyCollection<long> userIds) =>
        Task.FromResult<IReadOnlyList<UserValue>>(Lookup(state.Namespace(devId).Hashes, userIds));

    public Task SetHashAsync(int devId, long userId, string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        state.Namespace(devId).Hashes[userId] = hash;
        return Task.CompletedTask;
    }

    public Task<string> SetHashIfAbsentAsync(int devId, long userId, string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return Task.FromResult(state.Namespace(devId).Hashes.GetOrAdd(userId, hash));
    }

    public Task DeleteHashAsync(int devId, long userId)
    {
        state.Namespace(devId).Hashes.TryRemove(userId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UserValue>> GetDataAsync(int devId, IReadOnlyCollection<long> userIds) =>
        Task.FromResult<IReadOnlyList<UserValue>>(Lookup(state.Namespace(devId).Data, userIds));

    public Task SetDataAsync(int devId, long userId, string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        state.Namespace(devId).Data[userId] = data;
        return Task.CompletedTask;
    }

    public Task DeleteDataAsync(int devId, long userId)
    {
        state.Namespace(devId).Data.TryRemove(userId, out _);
        return Task.CompletedTask;
    }

    public Task RevokeTokenAsync(int devId, string token, DateTimeOffset? expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var space = state.Namespace(devId);
        var expiresAtTicks = expiresAt?.UtcTicks ?? MemoryState.Expiry(state.Now.UtcTicks, state.Limits.RevokedTokenTtl);
        space.RevokedTokens[token] = expiresAtTicks;
        return Task.CompletedTask;
    }

    public Task<bool> IsTokenRevokedAsync(int devId, string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return Task.FromResult(IsRevoked(state.Namespace(devId), token, state.Now.UtcTicks));
    }

    public Task<IReadOnlyList<string>> GetRevokedTokensAsync(int devId, IReadOnlyCollection<string>? tokens, int limit)
    {
        var space = state.Namespace(devId);
        var nowTicks = state.Now.UtcTicks;
        var result = new List<string>();
        if (limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<string>>(result);
        }
        if (tokens is null)
        {
            foreach (var (token, expiresAtTicks) in space.RevokedTokens)
            {
                if (expiresAtTicks > nowTicks)
                {
                    result.Add(token);
                    if (result.Count == limit)
                    {
                        break;
                    }
                }
            }
        }
        else
        {
            foreach (var token in tokens)
            {
                if (result.Count == limit)
                {
                    break;
                }
                if (token is not null && IsRevoked(space, token, nowTicks))
                {
                    result.Add(token);
                }
            }
        }
        return Task.FromResult<IReadOnlyList<string>>(result);
    }

    public Task DeleteRevokedTokenAsync(int devId, string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        state.Namespace(devId).RevokedTokens.TryRemove(token, out _);
        return Task.CompletedTask;
    }

    private static bool IsRevoked(MemoryNamespace space, string token, long nowTicks)
    {
        if (!space.RevokedTokens.TryGetValue(token, out var expiresAtTicks))
        {
            return false;
        }
        if (expiresAtTicks > nowTicks)
        {
            return true;
        }
        space.RevokedTokens.TryRemove(new KeyValuePair<string, long>(token, expiresAtTicks));
        return false;
    }

    private static List<UserValue> Lookup(ConcurrentDictionary<long, string> values, IReadOnlyCollection<long> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var result = new List<UserValue>(userIds.Count);
        foreach (var userId in userIds)
        {
            if (values.TryGetValue(userId, out var value))
            {
                result.Add(new UserValue(userId, value));
            }
        }
        return result;
    }
}
