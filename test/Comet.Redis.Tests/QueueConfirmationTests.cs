using Comet.Redis.Client;
using Comet.Redis.Scripts;
using Comet.Redis.Wire;
using Comet.Testing.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace Comet.Redis.Tests;

/// <summary>
/// ack_for_node.lua on a real Redis: a node confirms the last personal message it handed on by seq and
/// unique id, and a seq that a failover gave to another message (the first was lost with the old
/// master, after the node had handed it on) is not confirmed, so the newer message is still taken.
/// </summary>
public sealed class QueueConfirmationTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const string Registration = "n1~abc";

    [Fact]
    public async Task A_confirmation_moves_the_ack_and_the_cursor_only_for_the_message_that_is_there()
    {
        await using var client = await RedisClient.ConnectAsync(redis.Options(RedisFixture.NewPrefix()), "confirm-test", NullLogger.Instance);
        var tag = Guid.NewGuid().ToString("N");
        var (state, queue) = ($"{{{tag}}}:state", $"{{{tag}}}:q");
        await RespClient.ExecuteAsync(redis.Server.Port, "HSET", state, "seq", "2", "ack", "0", "c:" + Registration, "0");
        await RespClient.ExecuteAsync(redis.Server.Port, "ZADD", queue, "1", Entry(1, "first"), "2", Entry(2, "second"));
        var second = QueueEntryCodec.Decode(System.Text.Encoding.UTF8.GetBytes(Entry(2, "second")));

        // The node handed on another message with seq 2 (from the lost history): nothing moves.
        Assert.Equal(0, await ConfirmAsync(client, state, queue, 2, second.UniqueId + 1));
        // A seq this history has not reached yet: nothing moves.
        Assert.Equal(0, await ConfirmAsync(client, state, queue, 3, 42));
        Assert.Equal("0", await RespClient.ExecuteAsync(redis.Server.Port, "HGET", state, "ack") as string);

        Assert.Equal(1, await ConfirmAsync(client, state, queue, 2, second.UniqueId));
        Assert.Equal("2", await RespClient.ExecuteAsync(redis.Server.Port, "HGET", state, "ack") as string);
        Assert.Equal("2", await RespClient.ExecuteAsync(redis.Server.Port, "HGET", state, "c:" + Registration) as string);

        // Late or repeated confirmations never move anything back.
        var first = QueueEntryCodec.Decode(System.Text.Encoding.UTF8.GetBytes(Entry(1, "first")));
        Assert.Equal(1, await ConfirmAsync(client, state, queue, 1, first.UniqueId));
        Assert.Equal("2", await RespClient.ExecuteAsync(redis.Server.Port, "HGET", state, "ack") as string);
    }

    private static async Task<long> ConfirmAsync(RedisClient client, string state, string queue, long seq, long uniqueId) =>
        (await client.EvalAsync(RedisScripts.AckForNode, [state, queue], [Registration, seq, uniqueId])).AsLong();

    /// <summary>A queue entry as send_to_user.lua writes it, with a unique id derived from the text.</summary>
    private static string Entry(long seq, string text)
    {
        var uniqueId = (long)(uint)text.GetHashCode(StringComparison.Ordinal) + 1000;
        var body = System.Text.Encoding.UTF8.GetString(Netstring.Encode("1700000000", "e", text, uniqueId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return $"{seq.ToString(System.Globalization.CultureInfo.InvariantCulture).Length}:{seq}{body}";
    }
}
