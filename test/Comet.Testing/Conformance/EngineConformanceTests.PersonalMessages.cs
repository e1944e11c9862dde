using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>users_messages: live delivery, the bounded offline queue and what a new connection takes.</summary>
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task A_message_to_an_offline_user_waits_in_the_queue_in_order()
    {
        var (engine, _, clock, devId) = await StartEngineAsync();

        await engine.Bus.SendToUserAsync(devId, 5, "first", "one");
        await engine.Bus.SendToUserAsync(devId, 5, "second", "two");

        var queue = await engine.Bus.GetQueueAsync(devId, 5);
        Assert.Equal([("first", "one"), ("second", "two")], queue.Select(m => (m.Event, m.Message)));
        Assert.All(queue, m => Assert.InRange(m.Time, clock.UnixSeconds - 1, clock.UnixSeconds + 1));
        Assert.NotEqual(queue[0].Id, queue[1].Id);
        Assert.Empty(await engine.Bus.GetQueueAsync(devId, 6));
    }

    [Fact]
    public async Task Connecting_takes_the_whole_queue_oldest_first_and_only_once()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        for (var i = 1; i <= 12; i++)
        {
            await engine.Bus.SendToUserAsync(devId, 5, "event", $"m{i}");
        }

        var first = await ConnectAsync(engine, NewConnection(devId, 5));
        var second = await ConnectAsync(engine, NewConnection(devId, 5));

        Assert.True(first.Accepted);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"m{i}"), first.QueuedMessages.Select(m => m.Message));
        Assert.True(second.Accepted);
        Assert.Empty(second.QueuedMessages);
        Assert.Empty(await engine.Bus.GetQueueAsync(devId, 5));
    }

    [Fact]
    public async Task A_full_queue_drops_the_oldest_messages()
    {
        var (engine, _, _, devId) = await StartEngineAsync(limits => limits.OfflineQueueLength = 3);

        for (var i = 1; i <= 5; i++)
        {
            await engine.Bus.SendToUserAsync(devId, 5, "event", $"m{i}");
        }

        Assert.Equal(["m3", "m4", "m5"], (await engine.Bus.GetQueueAsync(devId, 5)).Select(m => m.Message));
    }

    [Fact]
    public async Task Queued_messages_expire_after_the_queue_time()
    {
        var (engine, _, clock, devId) = await StartEngineAsync(limits => limits.OfflineQueueTtl = TimeSpan.FromSeconds(2));
        await engine.Bus.SendToUserAsync(devId, 5, "event", "old");

        await AdvanceTimeAsync(clock, TimeSpan.FromSeconds(3));
        await engine.Bus.SendToUserAsync(devId, 5, "event", "new");

        await EventuallyAsync(() => engine.Bus.GetQueueAsync(devId, 5), queue => queue.Count == 1, "the old message to expire");
        var connected = await ConnectAsync(engine, NewConnection(devId, 5));
        Assert.Equal(["new"], connected.QueuedMessages.Select(m => m.Message));
    }

    [Fact]
    public async Task Clearing_the_queue_empties_it()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        await engine.Bus.SendToUserAsync(devId, 5, "event", "text");

        await engine.Bus.ClearQueueAsync(devId, 5);

        Assert.Empty(await engine.Bus.GetQueueAsync(devId, 5));
        Assert.Empty((await ConnectAsync(engine, NewConnection(devId, 5))).QueuedMessages);
    }

    [Fact]
    public async Task A_message_to_a_connected_user_is_delivered_live_and_not_queued()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        delivery.SetLocalConnections(devId, 5, 2);
        await ConnectAsync(engine, NewConnection(devId, 5));
        await ConnectAsync(engine, NewConnection(devId, 5));

        await engine.Bus.SendToUserAsync(devId, 5, "newMessage", "{\"text\":\"hi\"}");

        var taken = await EventuallyAsync(() => delivery.TakenBy(devId, 5), list => list.Count > 0, "the live personal message");
        // A seq rides along (written only to clients that acknowledge).
        Assert.Equal(new CometMessage(PipeNames.Personal, "newMessage", "{\"text\":\"hi\"}"), Assert.Single(taken) with { Seq = 0 });
        await QuietAsync();
        Assert.Single(delivery.TakenBy(devId, 5));
        Assert.Empty(await engine.Bus.GetQueueAsync(devId, 5));
    }

    [Fact]
    public async Task A_message_that_no_local_connection_took_is_queued()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        delivery.SetLocalConnections(devId, 5, 0);
        await ConnectAsync(engine, NewConnection(devId, 5));

        await engine.Bus.SendToUserAsync(devId, 5, "event", "kept");

        var queue = await EventuallyAsync(() => engine.Bus.GetQueueAsync(devId, 5), q => q.Count > 0, "the message to be queued");
        Assert.Equal(["kept"], queue.Select(m => m.Message));
    }

    [Fact]
    public async Task Live_personal_messages_keep_their_order()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        delivery.SetLocalConnections(devId, 5, 1);
        await ConnectAsync(engine, NewConnection(devId, 5));
        var expected = Enumerable.Range(1, 30).Select(i => $"m{i}").ToArray();

        foreach (var text in expected)
        {
            await engine.Bus.SendToUserAsync(devId, 5, "event", text);
        }

        var taken = await EventuallyAsync(() => delivery.TakenBy(devId, 5), list => list.Count >= expected.Length, "30 live messages");
        Assert.Equal(expected, taken.Select(m => m.Data));
    }

    [Fact]
    public async Task Messages_sent_while_connecting_are_neither_lost_nor_duplicated()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        delivery.SetLocalConnections(devId, 5, 1);
        var expected = Enumerable.Range(1, 200).Select(i => $"m{i}").ToArray();

        var sending = Task.Run(async () =>
        {
            foreach (var text in expected)
            {
                await engine.Bus.SendToUserAsync(devId, 5, "event", text);
            }
        });
        await Task.Delay(1);
        var connected = await ConnectAsync(engine, NewConnection(devId, 5));
        await sending;

        // Sent before the connection registered: in the queue it took. After: delivered live. In order.
        var fromQueue = connected.QueuedMessages.Select(m => m.Message).ToList();
        var live = await EventuallyAsync(
            () => delivery.TakenBy(devId, 5).Select(m => m.Data).ToList(),
            list => fromQueue.Count + list.Count >= expected.Length,
            "every message to be taken from the queue or delivered live");
        await QuietAsync();
        Assert.Equal(expected, fromQueue.Concat(delivery.TakenBy(devId, 5).Select(m => m.Data)));
        Assert.Equal(expected.Length, fromQueue.Count + live.Count);
        Assert.Empty(await engine.Bus.GetQueueAsync(devId, 5));
    }

    [Fact]
    public async Task Closing_a_user_reaches_the_node_with_the_credential()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        await ConnectAsync(engine, NewConnection(devId, 5, credential: "revoked-jwt"));
        await ConnectAsync(engine, NewConnection(devId, 6));

        await engine.Bus.CloseUserAsync(devId, 5, "revoked-jwt");
        await engine.Bus.CloseUserAsync(devId, 6, null);

        var closes = await EventuallyAsync(() => delivery.Closes, list => list.Count >= 2, "two close requests");
        // Two users' requests travel apart: only each user's own order is promised.
        Assert.Equal([new RecordedClose(devId, 5, "revoked-jwt"), new RecordedClose(devId, 6, null)], closes.OrderBy(c => c.UserId));
    }
}
