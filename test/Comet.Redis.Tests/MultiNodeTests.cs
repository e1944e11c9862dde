using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;

namespace Comet.Redis.Tests;

/// <summary>Two or three engines on one Redis behave as one server.</summary>
public sealed class MultiNodeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int DevId = 7;
    private static long s_connection;

    [Fact]
    public async Task A_message_published_on_one_node_reaches_subscribers_on_the_others()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 3);
        await using var _ = cluster;
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var pipe = "web_" + Guid.NewGuid().ToString("N")[..12];
        var onB = Connection(b, 0);
        await b.Engine.Presence.ConnectAsync(onB);
        await b.Engine.Presence.UpdateSubscriptionsAsync(onB, [pipe], []);

        var count = await a.Engine.Bus.PublishAsync(DevId, new CometMessage(pipe, "chat", "hello", UserId: 3, SendTime: 1_700_000_000));

        Assert.Equal(1, count);
        var received = await TestWait.UntilAsync(() => b.Delivery.MessagesOn(DevId, pipe), l => l.Count > 0, "the message on node2");
        Assert.Equal(new CometMessage(pipe, "chat", "hello", UserId: 3, SendTime: 1_700_000_000), Assert.Single(received));
        await Task.Delay(300);
        Assert.Empty(c.Delivery.MessagesOn(DevId, pipe)); // node3 has no subscriber: it did not even subscribe
        Assert.Single(a.Delivery.MessagesOn(DevId, pipe)); // the publishing node delivers its own message once
    }

    [Fact]
    public async Task A_node_stops_receiving_a_pipe_after_its_last_subscriber_leaves()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var pipe = "web_" + Guid.NewGuid().ToString("N")[..12];
        var onB = Connection(b, 0);
        await b.Engine.Presence.ConnectAsync(onB);
        await b.Engine.Presence.UpdateSubscriptionsAsync(onB, [pipe], []);
        await b.Engine.Presence.UpdateSubscriptionsAsync(onB, [], [pipe]);

        Assert.Equal(0, await a.Engine.Bus.PublishAsync(DevId, new CometMessage(pipe, "chat", "nobody")));
        await Task.Delay(300);
        Assert.Empty(b.Delivery.MessagesOn(DevId, pipe));
    }

    [Fact]
    public async Task Presence_is_cluster_wide_counts_members_limit_and_users_time()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 3, l => l.MaxConnectionsPerUser = 2);
        await using var _ = cluster;
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var pipe = "track_" + Guid.NewGuid().ToString("N")[..12];
        var onA = Connection(a, 42, "uuid-a");
        var onB = Connection(b, 42, "uuid-b");

        Assert.True((await a.Engine.Presence.ConnectAsync(onA)).Accepted);
        Assert.True((await b.Engine.Presence.ConnectAsync(onB)).Accepted);
        Assert.False((await c.Engine.Presence.ConnectAsync(Connection(c, 42))).Accepted);
        await a.Engine.Presence.UpdateSubscriptionsAsync(onA, [pipe], []);
        await b.Engine.Presence.UpdateSubscriptionsAsync(onB, [pipe], []);

        Assert.Equal([new UserTime(42, 0)], await c.Engine.Presence.GetUserTimesAsync(DevId, [42]));
        Assert.Equal([new PipeCount(pipe, 2)], await c.Engine.Presence.CountSubscribersAsync(DevId, [pipe]));
        Assert.Equal(["uuid-a", "uuid-b"], (await c.Engine.Presence.GetSubscribersAsync(DevId, pipe)).Select(s => s.Uuid).Order());
        // node1's member hears node2's member join, from the other node.
        var joined = await TestWait.UntilAsync(() => a.Delivery.MessagesOn(DevId, pipe), l => l.Count >= 2, "both subscription events on node1");
        Assert.Contains(joined, m => m.Data == "{\"user_id\":42,\"uuid\":\"uuid-b\"}" && m.ExcludeConnectionId == onB.ConnectionId);

        await a.Engine.Presence.DisconnectAsync(onA);
        Assert.Equal([new UserTime(42, 0)], await c.Engine.Presence.GetUserTimesAsync(DevId, [42]));
        await b.Engine.Presence.DisconnectAsync(onB);
        var time = Assert.Single(await c.Engine.Presence.GetUserTimesAsync(DevId, [42])).Time;
        Assert.InRange(time, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 2, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public async Task Online_and_offline_reach_status_subscribers_on_other_nodes()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var status = PipeNames.UserStatus(43);
        var watcher = Connection(a, 0);
        await a.Engine.Presence.ConnectAsync(watcher);
        await a.Engine.Presence.UpdateSubscriptionsAsync(watcher, [status], []);
        var user = Connection(b, 43);

        await b.Engine.Presence.ConnectAsync(user);
        await b.Engine.Presence.DisconnectAsync(user);

        var events = await TestWait.UntilAsync(() => a.Delivery.MessagesOn(DevId, status), l => l.Count >= 2, "online then offline on node1");
        Assert.Equal([PresenceEvents.UserOnline(43), PresenceEvents.UserOffline(43)], events);
    }

    [Fact]
    public async Task A_personal_message_sent_on_one_node_reaches_the_user_on_another_and_follows_a_switch()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        b.Delivery.SetLocalConnections(DevId, 44, 1);
        var onB = Connection(b, 44);
        await b.Engine.Presence.ConnectAsync(onB);

        await a.Engine.Bus.SendToUserAsync(DevId, 44, "event", "m1");
        await TestWait.UntilAsync(() => b.Delivery.TakenBy(DevId, 44), l => l.Count == 1, "m1 live on node2");

        // The user moves to node1: what is sent in between waits in the queue.
        b.Delivery.SetLocalConnections(DevId, 44, 0);
        await b.Engine.Presence.DisconnectAsync(onB);
        await b.Engine.Bus.SendToUserAsync(DevId, 44, "event", "m2");
        a.Delivery.SetLocalConnections(DevId, 44, 1);
        var connected = await a.Engine.Presence.ConnectAsync(Connection(a, 44));
        await a.Engine.Bus.SendToUserAsync(DevId, 44, "event", "m3");

        Assert.Equal(["m2"], connected.QueuedMessages.Select(m => m.Message));
        var live = await TestWait.UntilAsync(() => a.Delivery.TakenBy(DevId, 44), l => l.Count == 1, "m3 live on node1");
        Assert.Equal("m3", live[0].Data);
        await Task.Delay(300);
        Assert.Single(b.Delivery.TakenBy(DevId, 44));
        Assert.Single(a.Delivery.TakenBy(DevId, 44));
    }

    [Fact]
    public async Task Closing_a_user_reaches_every_node_that_holds_a_connection_of_the_user()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 3);
        await using var _ = cluster;
        await nodes[1].Engine.Presence.ConnectAsync(Connection(nodes[1], 45));
        await nodes[2].Engine.Presence.ConnectAsync(Connection(nodes[2], 45));

        await nodes[0].Engine.Bus.CloseUserAsync(DevId, 45, null);

        foreach (var node in nodes[1..])
        {
            await TestWait.UntilAsync(() => node.Delivery.Closes, l => l.Count == 1, $"the close on {node.Name}");
        }
        Assert.Empty(nodes[0].Delivery.Closes);
    }

    internal static ClientRecord Connection(EngineCluster.Node node, long userId, string uuid = "uuid", int devId = DevId) =>
        new(devId, $"{node.Name}:{Interlocked.Increment(ref s_connection)}", userId, uuid, "xunit", "127.0.0.1", "", "");
}
