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
        var pipe = "web_" + Guid.NewGuid().ToString("N")[..12];
        var listener = MultiNodeTests.Connection(node, 0, devId: DevId);
        await node.Engine.Presence.ConnectAsync(listener);
        await node.Engine.Presence.UpdateSubscriptionsAsync(listener, [pipe], []);

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

        await TestWait.UntilAsync(() => node.Delivery.MessagesOn(DevId, pipe), l => l.Any(m => m.Data == "after"), "the last message");
        await Task.Delay(200);
        Assert.Equal(["once", "after"], node.Delivery.MessagesOn(DevId, pipe).Select(m => m.Data));
    }
}
