using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.Node;

namespace Comet.Redis.Tests;

/// <summary>Two or three nodes on one Redis behave as one server.</summary>
public sealed class MultiNodeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int DevId = 7;

    [Fact]
    public async Task A_message_published_on_one_node_reaches_subscribers_on_the_others()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 3);
        await using var _ = cluster;
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var pipe = NewPipe();
        var onA = await a.ConnectAsync(DevId, pipes: pipe);
        var onB = await b.ConnectAsync(DevId, pipes: pipe);
        var onC = await c.ConnectAsync(DevId);

        var count = await a.Node.PublishAsync(DevId, new CometMessage(pipe, "chat", "hello", UserId: 3, SendTime: 1_700_000_000));

        Assert.Equal(2, count);
        var received = await Wait.UntilAsync(() => onB.Received().On(pipe), l => l.Count > 0, "the message on node2");
        Assert.Equal(new CometMessage(pipe, "chat", "hello", UserId: 3, SendTime: 1_700_000_000), Assert.Single(received));
        await Task.Delay(300);
        Assert.Empty(onC.Received().Messages); // node3 has no subscriber: it did not even listen
        Assert.Single(onA.Received().On(pipe)); // the publishing node delivers its own message once
    }

    [Fact]
    public async Task A_node_stops_receiving_a_pipe_after_its_last_subscriber_leaves()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var pipe = NewPipe();
        var onB = await b.ConnectAsync(DevId, pipes: pipe);
        await b.Node.SetSubscriptionsAsync(onB, []);

        Assert.Equal(0, await a.Node.PublishAsync(DevId, new CometMessage(pipe, "chat", "nobody")));
        await Task.Delay(300);
        Assert.Empty(onB.Received().Messages);
    }

    [Fact]
    public async Task Presence_is_cluster_wide_counts_members_limit_and_users_time()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 3, l => l.MaxConnectionsPerUser = 2);
        await using var _ = cluster;
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var pipe = NewPipe("track_");
        var onA = await a.ConnectAsync(DevId, 42, "uuid-a", pipe);
        var onB = await b.ConnectAsync(DevId, 42, "uuid-b", pipe);

        Assert.False((await c.Node.ConnectAsync(TestClients.Create(DevId, 42, node: c.Name))).Accepted);
        Assert.Equal([new UserTime(42, 0)], await c.Node.GetUserTimesAsync(DevId, [42]));
        Assert.Equal([new PipeCount(pipe, 2)], await c.Node.CountSubscribersAsync(DevId, [pipe]));
        Assert.Equal(["uuid-a", "uuid-b"], (await c.Node.GetSubscribersAsync(DevId, pipe)).Select(s => s.Uuid).Order());
        // node1's member hears node2's member join, from the other node.
        var joined = await Wait.UntilAsync(() => onA.Received().On(pipe), l => l.Count >= 1, "node2's subscription event on node1");
        Assert.Contains(joined, m => m.Data == "{\"user_id\":42,\"uuid\":\"uuid-b\"}" && m.ExcludeConnectionId == onB.Id);

        await a.Node.DisconnectAsync(onA);
        Assert.Equal([new UserTime(42, 0)], await c.Node.GetUserTimesAsync(DevId, [42]));
        await b.Node.DisconnectAsync(onB);
        var time = Assert.Single(await c.Node.GetUserTimesAsync(DevId, [42])).Time;
        Assert.InRange(time, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 2, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public async Task Online_and_offline_reach_status_subscribers_on_other_nodes()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var status = PipeNames.UserStatus(43);
        var watcher = await a.ConnectAsync(DevId, pipes: status);

        var user = await b.ConnectAsync(DevId, 43);
        await b.Node.DisconnectAsync(user);

        var events = await Wait.UntilAsync(() => watcher.Received().On(status), l => l.Count >= 2, "online then offline on node1");
        Assert.Equal([PresenceEvents.UserOnline(43), PresenceEvents.UserOffline(43)], events);
    }

    [Fact]
    public async Task A_personal_message_sent_on_one_node_reaches_the_user_on_another_and_follows_a_switch()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var onB = await b.ConnectAsync(DevId, 44);

        await a.Node.SendToUserAsync(DevId, 44, "event", "m1");
        await Wait.UntilAsync(() => onB.Received().On(PipeNames.Personal), l => l.Count == 1, "m1 live on node2");

        // The user moves to node1: what is sent in between waits in the queue.
        await b.Node.DisconnectAsync(onB);
        await b.Node.SendToUserAsync(DevId, 44, "event", "m2");
        var onA = TestClients.Create(DevId, 44, node: a.Name);
        var connected = await a.Node.ConnectAsync(onA);
        await a.Node.SendToUserAsync(DevId, 44, "event", "m3");

        Assert.Equal(["m2"], connected.QueuedMessages.Select(m => m.Message));
        var live = await Wait.UntilAsync(() => onA.Received().On(PipeNames.Personal), l => l.Count == 1, "m3 live on node1");
        Assert.Equal("m3", live[0].Data);
        await Task.Delay(300);
        Assert.Single(onB.Received().Messages);
        Assert.Single(onA.Received().Messages);
    }

    [Fact]
    public async Task Closing_a_user_reaches_every_node_that_holds_a_connection_of_the_user()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 3);
        await using var _ = cluster;
        var clients = new[] { await nodes[1].ConnectAsync(DevId, 45), await nodes[2].ConnectAsync(DevId, 45) };
        var bystander = await nodes[0].ConnectAsync(DevId, 46);

        await nodes[0].Node.CloseUserAsync(DevId, 45, null);

        foreach (var client in clients)
        {
            await Wait.UntilAsync(() => client.Received().Closed, c => c == CloseReason.AuthorisationRevoked, $"the close of {client.Id}");
        }
        Assert.Null(bystander.Received().Closed);
    }

    internal static string NewPipe(string prefix = "web_") => prefix + Guid.NewGuid().ToString("N")[..12];
}
