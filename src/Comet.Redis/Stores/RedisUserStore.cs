using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Redis.Client;
using Comet.Redis.Scripts;

namespace Comet.Redis.Stores;

/// <summary>users_auth, users_data (one string per user) and revoked_tokens (one zset per dev_id).</summary>
internal sealed class RedisUserStore(RedisClient client, RedisKeys keys, LimitsOptions limits, TimeProvider time) : IUserStore
{
    public Task<IReadOnlyList<UserValue>> GetHashesAsync(int devId, IReadOnlyCollection<long> userIds) =>
        GetValuesAsync(userIds, id => keys.UserHash(devId, id));

    public Task SetHashAsync(int devId, long userId, string hash) =>
        client.SetStringAsync(keys.UserHash(devId, userId), hash);

    public async Task<string> SetHashIfAbsentAsync(int devId, long userId, string hash)
    {
        var result = await client.EvalAsync(RedisScripts.SetIfAbsent, [keys.UserHash(devId, userId)], [hash]).ConfigureAwait(false);
        return result.AsString() ?? hash;
    }

    public Task DeleteHashAsync(int devId, long userId) =>
        client.DeleteAsync(keys.UserHash(devId, userId));

    public Task<IReadOnlyList<UserValue>> GetDataAsync(int devId, IReadOnlyCollection<long> userIds) =>
        GetValuesAsync(userIds, id => keys.UserData(devId, id));

    public Task SetDataAsync(int devId, long userId, string data) =>
        client.SetStringAsync(keys.UserData(devId, userId), data);

    public Task DeleteDataAsync(int devId, long userId) =>
        client.DeleteAsync(keys.UserData(devId, userId));

    public Task RevokeTokenAsync(int devId, string token, DateTimeOffset? expiresAt)
    {
        var now = time.GetUtcNow();
        var until = expiresAt ?? now + limits.RevokedTokenTtl;
        if (until <= now)
        {
            // Already expired: a token that no longer validates needs no revocation, but remember it briefly
            // so that reading it back right away shows it.
            until = now + TimeSpan.FromMinutes(1);
        }
        return client.EvalAsync(
            RedisScripts.RevokeToken,
            [keys.RevokedTokens(devId)],
            [token, until.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds()]);
    }

    public async Task<bool> IsTokenRevokedAsync(int devId, string token)
    {
        var score = await client.SortedSetScoreAsync(keys.RevokedTokens(devId), token).ConfigureAwait(false);
        return score is { } expiry && expiry > time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public async Task<IReadOnlyList<string>> GetRevokedTokensAsync(int devId, IReadOnlyCollection<string>? tokens, int limit)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var key = keys.RevokedTokens(devId);
        if (tokens is null)
        {
            return await client.SortedSetRangeAboveAsync(key, now, Math.Max(limit, 0)).ConfigureAwait(false);
        }
        var list = tokens.Distinct(StringComparer.Ordinal).ToList();
        var scores = await client.SortedSetScoresAsync(key, list).ConfigureAwait(false);
        var result = new List<string>();
        for (var i = 0; i < list.Count && result.Count < limit; i++)
        {
            if (scores[i] is { } expiry && expiry > now)
            {
                result.Add(list[i]);
            }
        }
        return result;
    }

    public Task DeleteRevokedTokenAsync(int devId, string token) =>
        client.SortedSetRemoveAsync(keys.RevokedTokens(devId), token);

    private async Task<IReadOnlyList<UserValue>> GetValuesAsync(IReadOnlyCollection<long> userIds, Func<long, string> key)
    {
        var ids = userIds.ToList();
        // One GET per user, pipelined: the users live in different hash slots.
        var values = await client.GetStringsAsync(ids.Select(key).ToList()).ConfigureAwait(false);
        var result = new List<UserValue>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (values[i] is { } value)
            {
                result.Add(new UserValue(ids[i], value));
            }
        }
        return result;
    }
}
