using System.Diagnostics;
using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;
using StackExchange.Redis;

namespace Comet.Redis.Tests;

/// <summary>Nodes that die, pub/sub connections that drop, and a Redis that goes away and comes back.</summary>
public sealed class NodeFailureTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int DevId = 8;

    [Fact]
    public async Task A_crashed_nodes_users_go_offline_at_its_last_heartbeat_within_the_lease()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var track = MultiNodeTests.NewPipe("track_");
        var status = PipeNames.UserStatus(50);
        var watcher = await a.ConnectAsync(DevId, 0, "watcher", status, track);
        await b.ConnectAsync(DevId, 50, "victim", track);
        Assert.Equal([new PipeCount(track, 2)], await a.Node.CountSubscribersAsync(DevId, [track]));

        var crashedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var clock = Stopwatch.StartNew();
        await b.CrashAsync();

        // Lease 1 s + heartbeat 0.2 s: reaped well within 3 s.
        await Wait.UntilAsync(() => a.Node.CountSubscribersAsync(DevId, [track]), c => c[0].Count == 1, "the dead node's subscriber to be reaped", TimeSpan.FromSeconds(3));
        var time = Assert.Single(await a.Node.GetUserTimesAsync(DevId, [50])).Time;
        Assert.InRange(time, crashedAt - 1, crashedAt + 1);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(3));
        var events = await Wait.UntilAsync(() => watcher.Received().On(status), l => l.Count >= 2, "offline on node1");
        Assert.Equal(PresenceEvents.UserOffline(50), events[^1]);
        var left = await Wait.UntilAsync(() => watcher.Received().On(track), l => l.Any(m => m.Event == PresenceEvents.Unsubscription), "the unsubscription");
        Assert.Single(left, m => m.Event == PresenceEvents.Unsubscription && m.Data == "{\"user_id\":50,\"uuid\":\"victim\"}");
        Assert.Equal(["watcher"], (await a.Node.GetSubscribersAsync(DevId, track)).Select(c => c.Uuid));
    }

    [Fact]
    public async Task Personal_messages_sent_to_a_crashed_node_wait_for_the_users_next_connection()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var onB = await b.ConnectAsync(DevId, 51);
        await a.Node.SendToUserAsync(DevId, 51, "event", "m1");
        await Wait.UntilAsync(() => onB.Received().Messages, l => l.Count == 1, "m1 on node2");
        // Node2 confirms delivery right after handing m1 to its client; a crash before that would send m1 again.
        await Wait.UntilAsync(() => a.Node.GetQueueAsync(DevId, 51), q => q.Count == 0, "node2 to confirm m1");

        await b.CrashAsync();
        await a.Node.SendToUserAsync(DevId, 51, "event", "m2");
        await a.Node.SendToUserAsync(DevId, 51, "event", "m3");
        await Wait.UntilAsync(() => a.Node.GetUserTimesAsync(DevId, [51]), t => t[0].Time > 0, "the user to go offline");

        var connected = await a.Node.ConnectAsync(TestClients.Create(DevId, 51, node: a.Name));
        Assert.Equal(["m2", "m3"], connected.QueuedMessages.Select(m => m.Message));
    }

    [Fact]
    public async Task Wake_ups_lost_with_a_killed_pubsub_connection_are_made_up_for()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var onB = await b.ConnectAsync(DevId, 52);
        var expected = Enumerable.Range(1, 100).Select(i => $"m{i}").ToList();

        var sending = Task.Run(async () =>
        {
            foreach (var text in expected)
            {
                await a.Node.SendToUserAsync(DevId, 52, "event", text);
                await Task.Delay(2);
            }
        });
        await Task.Delay(50);
        await KillPubSubConnectionsAsync();
        await sending;

        var taken = await Wait.UntilAsync(() => onB.Received().Messages, l => l.Count >= expected.Count, "all 100 messages on node2");
        await Task.Delay(300);
        Assert.Equal(expected, onB.Received().Messages.Select(m => m.Data));
        Assert.Equal(expected.Count, taken.Count);
    }

    [Fact]
    public async Task When_redis_is_away_operations_fail_fast_and_when_it_returns_presence_is_restored()
    {
        await using var own = await RedisServer.StartOwnedAsync();
        if (!own.IsOwned)
        {
            Assert.Fail("This test stops and restarts Redis: run it with a redis-server it can own (unset REDIS_URL).");
        }
        var options = redis.Options(RedisFixture.NewPrefix());
        options.Configuration = own.Configuration;
        await using var solo = await RedisNode.StartAsync(options, "solo");
        var pipe = MultiNodeTests.NewPipe();
        var client = await solo.ConnectAsync(DevId, 53, "u", pipe);
        Assert.True(solo.Node.IsReady);

        own.Kill();
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<StorageUnavailableException>(() => solo.Node.Users.GetHashesAsync(DevId, [1]));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        await Wait.UntilAsync(() => solo.Node.IsReady, ready => !ready, "readiness to turn false");

        await own.RestartAsync(); // an empty Redis: the node must register itself again
        await Wait.UntilAsync(() => solo.Node.IsReady, ready => ready, "readiness to return", TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => solo.Node.CountSubscribersAsync(DevId, [pipe]), c => c[0].Count == 1, "the subscription to be restored", TimeSpan.FromSeconds(10));
        // The node registers the connection and its subscriptions again in separate steps: the user may
        // still read as never seen for a moment after the subscription is back.
        await Wait.UntilAsync(() => solo.Node.GetUserTimesAsync(DevId, [53]), t => t.SequenceEqual([new UserTime(53, 0)]),
            "the user to be online again", TimeSpan.FromSeconds(10));

        // Pub/sub works again: a personal message arrives.
        await solo.Node.SendToUserAsync(DevId, 53, "event", "after");
        await Wait.UntilAsync(() => client.Received().On(PipeNames.Personal), l => l.Count == 1, "the personal message after the restart");
    }

    private async Task KillPubSubConnectionsAsync()
    {
        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration + ",allowAdmin=true");
        var killed = await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        Assert.True((long)killed > 0, "no pub/sub connection was killed");
    }
}
