using Comet.Core.Engine;
using Comet.Core.Names;
using Comet.Core.Options;
using Comet.Testing.Conformance;

namespace Comet.Redis.Tests;

/// <summary>
/// The client settings operators use: RESP3 (the default) and RESP2, and a Redis 6+ ACL user that may
/// touch only the gateway's keys and channels (no default user, no dangerous commands).
/// </summary>
public sealed class ClientOptionsTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int DevId = 12;

    [Theory]
    [InlineData(RedisProtocolVersion.Resp3)]
    [InlineData(RedisProtocolVersion.Resp2)]
    public async Task Scripts_pub_sub_and_personal_messages_work_on_both_protocols(RedisProtocolVersion protocol)
    {
        var options = redis.Options(RedisFixture.NewPrefix());
        options.Protocol = protocol;
        await using var node = await RedisNode.StartAsync(options, "proto");
        await ExerciseAsync(node);
    }

    [Fact]
    public async Task A_restricted_ACL_user_with_only_the_prefixs_keys_and_channels_runs_the_engine()
    {
        const string prefix = "acl-comet";
        await using var server = await RedisServer.StartOwnedAsync(
            "--user", "default", "off",
            "--user", "comet", "on", ">acl-secret", "resetchannels", $"&{prefix}:*", $"&{{{prefix}:*", $"~{{{prefix}:*",
            "+@all", "-@dangerous", "+role", "+info", "+wait");
        var options = redis.Options(prefix);
        options.Configuration = server.Configuration + ",user=comet,password=acl-secret";
        await using (var node = await RedisNode.StartAsync(options, "acl"))
        {
            await ExerciseAsync(node);
        }

        // The same user with a wrong password gets nothing: the engine starts but is not ready.
        options.Configuration = server.Configuration + ",user=comet,password=wrong";
        await using var refused = new RedisEngine(options, new NodeIdentity("acl-wrong"), new LimitsOptions(), TimeProvider.System);
        await refused.StartAsync(new RecordingNode(), CancellationToken.None);
        Assert.False(refused.IsReady);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => refused.Users.GetHashesAsync(DevId, [1]));
    }

    /// <summary>A connection subscribed to a pipe gets a personal message; counts, the queue and users_auth work.</summary>
    private static async Task ExerciseAsync(RedisNode redisNode)
    {
        var node = redisNode.Node;
        Assert.True(node.IsReady);
        var pipe = MultiNodeTests.NewPipe();
        var client = await redisNode.ConnectAsync(DevId, 7, "u", pipe);
        Assert.Equal([new PipeCount(pipe, 1)], await node.CountSubscribersAsync(DevId, [pipe]));

        await node.SendToUserAsync(DevId, 7, "e", "personal");
        await Wait.UntilAsync(() => client.Received().On(PipeNames.Personal), l => l.Count == 1, "the personal message");
        await node.SendToUserAsync(DevId, 8, "e", "queued");
        Assert.Equal(["queued"], (await node.GetQueueAsync(DevId, 8)).Select(m => m.Message));
        await node.Users.SetHashAsync(DevId, 7, "hash");
        Assert.Equal([new UserValue(7, "hash")], await node.Users.GetHashesAsync(DevId, [7]));
        Assert.Equal([new UserTime(7, 0)], await node.GetUserTimesAsync(DevId, [7]));
    }
}
