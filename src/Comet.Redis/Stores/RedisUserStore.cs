using Comet.Core.Engine;
using Comet.Core.Options;
using Comet.Redis.Scripts;
using StackExchange.Redis;

namespace Comet.Redis.Stores;

/// <summary>users_auth, users_data (one string per user) and revoked_tokens (one zset per dev_id).</summary>
internal sealed class RedisUserStore(RedisClient client, RedisKeys keys, LimitsOptions limits, TimeProvider time) : IUserStore
{
    public Task<IReadOnlyList<UserValue>> GetHashesAsync(int devId, IReadOnlyCollection<long> userIds) =>
        GetValuesAsync(userIds, id => keys.UserHash(devId, id));

    public Task SetHashAsync(int devId, long userId, string hash) =>
        client.RunAsync(db => db.StringSetAsync(keys.UserHash(devId, userId), hash));

    public async Task<string> SetHashIfAbsentAsync(int devId, long userId, string hash)
    {
        var result = await client.EvalAsync(RedisScripts.SetIfAbsent, [keys.UserHash(devId, userId)], [hash]).ConfigureAwait(false);
        return (string?)result ?? hash;
    }

    public Task DeleteHashAsync(int devId, long userId) =>
        client.RunAsync(db => db.KeyDeleteAsync(keys.UserHash(devId, userId)));

    public Task<IReadOnlyList<UserValue>> GetDataAsync(int devId, IReadOnlyCollection<long> userIds) =>
        GetValuesAsync(userIds, id => keys.UserData(devId, id));

    public Task SetDataAsync(int devId, long userId, string data) =>
        client.RunAsync(db => db.StringSetAsync(keys.UserData(devId, userId), data));

    public Task DeleteDataAsync(int devId, long userId) =>
        client.RunAsync(db => db.KeyDeleteAsync(keys.UserData(devId, userId)));

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
        var score = await client.RunAsync(db => db.SortedSetScoreAsync(keys.RevokedTokens(devId), token)).ConfigureAwait(false);
        return score is { } expiry && expiry > time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public async Task<IReadOnlyList<string>> GetRevokedTokensAsync(int devId, IReadOnlyCollection<string>? tokens, int limit)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var key = keys.RevokedTokens(devId);
        if (tokens is null)
        {
            var all = await client.RunAsync(db => db.SortedSetRangeByScoreAsync(
                key, now, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, Math.Max(limit, 0))).ConfigureAwait(false);
            return all.Select(v => (string)v!).ToList();
        }
        var list = tokens.Distinct(StringComparer.Ordinal).ToList();
        var scores = await client.BatchAsync(batch => list.Select(t => batch.SortedSetScoreAsync(key, t))).ConfigureAwait(false);
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
        client.RunAsync(db => db.SortedSetRemoveAsync(keys.RevokedTokens(devId), token));

    private async Task<IReadOnlyList<UserValue>> GetValuesAsync(IReadOnlyCollection<long> userIds, Func<long, RedisKey> key)
    {
        var ids = userIds.ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        // One GET per user, pipelined: the users live in different hash slots.
        var values = await client.BatchAsync(batch => ids.Select(id => batch.StringGetAsync(key(id)))).ConfigureAwait(false);
        var result = new List<UserValue>(ids.Count);
        for (var i = 0; i < ids.Count; i++)
        {
            if (values[i].HasValue)
            {
                result.Add(new UserValue(ids[i], (string)values[i]!));
            }
        }
        return result;
    }
}
