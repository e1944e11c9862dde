using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>A script's reply: an integer, bytes, nil, or an array of replies (a thin view of the library's result).</summary>
internal readonly struct RedisReply(RedisResult? result)
{
    public bool IsNull => result is null || result.IsNull;

    /// <summary>The number of items of an array reply (0 for anything else).</summary>
    public int Length => result is { Resp2Type: ResultType.Array } ? result.Length : 0;

    public RedisReply this[int index] => new(result![index]);

    public long AsLong() => (long)result!;

    public string? AsString() => IsNull ? null : (string?)result;

    public byte[] AsBytes() => (byte[]?)result ?? [];

    /// <summary>The items of an array reply as bytes.</summary>
    public IEnumerable<byte[]> Items()
    {
        for (var i = 0; i < Length; i++)
        {
            yield return this[i].AsBytes();
        }
    }
}
