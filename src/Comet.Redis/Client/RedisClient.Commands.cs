using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>The plain commands the engine sends besides scripts, in the engine's own terms. Reads of
/// many keys are pipelined single-key commands (never multi-key ones), so they work on a Cluster.</summary>
internal sealed partial class RedisClient
{
    public Task<string?[]> GetStringsAsync(IReadOnlyList<string> keys) =>
        keys.Count == 0 ? Task.FromResult(Array.Empty<string?>()) : RunAsync(async database =>
        {
            var batch = ((IDatabase)database).CreateBatch();
            var tasks = keys.Select(k => batch.StringGetAsync(k)).ToArray();
            batch.Execute();
            var values = await Task.WhenAll(tasks).ConfigureAwait(false);
            return values.Select(v => (string?)v).ToArray();
        }, "get");

    public Task SetStringAsync(string key, string value) =>
        RunAsync(db => db.StringSetAsync(key, value), "set");

    /// <summary>Deletes keys of one hash slot (one command).</summary>
    public Task DeleteAsync(params string[] keys) =>
        RunAsync(db => db.KeyDeleteAsync(keys.Select(k => (RedisKey)k).ToArray()), "del");

    public Task<long[]> HashLengthsAsync(IReadOnlyList<string> keys) =>
        keys.Count == 0 ? Task.FromResult(Array.Empty<long>()) : RunAsync(async database =>
        {
            var batch = ((IDatabase)database).CreateBatch();
            var tasks = keys.Select(k => batch.HashLengthAsync(k)).ToArray();
            batch.Execute();
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }, "hlen");

    public Task<(string Field, byte[] Value)[]> HashGetAllAsync(string key) =>
        RunAsync(async db => (await db.HashGetAllAsync(key).ConfigureAwait(false))
            .Select(e => ((string)e.Name!, (byte[])e.Value!)).ToArray(), "hgetall");

    public Task<string[]> SetMembersAsync(string key) =>
        RunAsync(async db => (await db.SetMembersAsync(key).ConfigureAwait(false)).Select(v => (string)v!).ToArray(), "smembers");

    /// <summary>Up to <paramref name="count"/> members of a set (for work lists processed in chunks).</summary>
    public Task<string[]> SetRandomMembersAsync(string key, int count) =>
        RunAsync(async db => (await db.SetRandomMembersAsync(key, count).ConfigureAwait(false)).Select(v => (string)v!).ToArray(), "srandmember");

    public Task SetAddAsync(string key, IReadOnlyCollection<string> members) =>
        RunAsync(db => db.SetAddAsync(key, members.Select(m => (RedisValue)m).ToArray()), "sadd");

    public Task SetRemoveAsync(string key, IReadOnlyCollection<string> members) =>
        RunAsync(db => db.SetRemoveAsync(key, members.Select(m => (RedisValue)m).ToArray()), "srem");

    public Task<double?> SortedSetScoreAsync(string key, string member) =>
        RunAsync(db => db.SortedSetScoreAsync(key, member), "zscore");

    public Task<double?[]> SortedSetScoresAsync(string key, IReadOnlyList<string> members) =>
        members.Count == 0 ? Task.FromResult(Array.Empty<double?>()) : RunAsync(async database =>
        {
            var batch = ((IDatabase)database).CreateBatch();
            var tasks = members.Select(m => batch.SortedSetScoreAsync(key, m)).ToArray();
            batch.Execute();
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }, "zscore");

    /// <summary>Members with scores above <paramref name="min"/> (exclusive), lowest first, at most <paramref name="take"/>.</summary>
    public Task<string[]> SortedSetRangeAboveAsync(string key, double min, int take) =>
        RunAsync(async db => (await db.SortedSetRangeByScoreAsync(
            key, min, double.PositiveInfinity, Exclude.Start, Order.Ascending, 0, take).ConfigureAwait(false))
            .Select(v => (string)v!).ToArray(), "zrangebyscore");

    /// <summary>Members with their scores, from <paramref name="min"/> (inclusive) up.</summary>
    public Task<(string Member, double Score)[]> SortedSetRangeWithScoresAboveAsync(string key, double min) =>
        RunAsync(async db => (await db.SortedSetRangeByScoreWithScoresAsync(key, min).ConfigureAwait(false))
            .Select(e => ((string)e.Element!, e.Score)).ToArray(), "zrangebyscore");

    public Task SortedSetRemoveAsync(string key, string member) =>
        RunAsync(db => db.SortedSetRemoveAsync(key, member), "zrem");

    public Task<byte[][]> ListRangeAsync(string key, long start, long stop) =>
        RunAsync(async db => (await db.ListRangeAsync(key, start, stop).ConfigureAwait(false)).Select(v => (byte[])v!).ToArray(), "lrange");
}
