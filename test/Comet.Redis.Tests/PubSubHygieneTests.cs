using Comet.Core.Messages;
using Comet.Redis.Wire;
using StackExchange.Redis;

namespace Comet.Redis.Tests;

/// <summary>
/// What a node does with pub/sub messages that Redis failovers produce: a copy of a message it already
/// delivered (a channel heard on a master and its replica at once), and a message a hung master ran long
/// after its sender was told it failed.
/// </summary>
public sealed class PubSubHygieneTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int DevId = 11;

    [Fact]
    public async Task A_pipe_message_that_arrives_twice_is_delivered_once_and_a_stale_one_not_at_all()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 1);
        await using var _ = cluster;
        var node = nodes[0];
        var pipe = MultiNodeTests.NewPipe();
        var listener = await node.ConnectAsync(DevId, pipes: pipe);

        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);
        var channel = RedisChannel.Sharded(new RedisKeys(cluster.Prefix).PipePublishChannel(DevId, pipe).Name);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var once = BusPayload.PipeMessage(new CometMessage(pipe, "e", "once"), origin: "elsewhere", now);
        var stale = BusPayload.PipeMessage(new CometMessage(pipe, "e", "stale"), origin: "elsewhere", now - 60_000);
        var after = BusPayload.PipeMessage(new CometMessage(pipe, "e", "after"), origin: "elsewhere", now);
        foreach (var payload in new[] { once, once, stale, after, once })
        {
            await admin.GetSubscriber().PublishAsync(channel, payload);
        }

        await Wait.UntilAsync(() => listener.Received().On(pipe), l => l.Any(m => m.Data == "after"), "the last message");
        await Task.Delay(200);
        Assert.Equal(["once", "after"], listener.Received().On(pipe).Select(m => m.Data));
    }
}
