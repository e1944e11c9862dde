using Comet.Core.Engine;
using Comet.Core.Messages;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>Subscriptions, counts, member lists and the track_ events.</summary>
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Subscribers_are_counted_per_pipe_anonymous_ones_included_in_request_order()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var (a, b, none) = (NewPipe(), NewPipe(), NewPipe());
        var user = NewConnection(devId, 5);
        var anonymous = NewConnection(devId, 0);
        await engine.Presence.ConnectAsync(user);
        await engine.Presence.ConnectAsync(anonymous);

        await engine.Presence.UpdateSubscriptionsAsync(user, [a, b], []);
        await engine.Presence.UpdateSubscriptionsAsync(anonymous, [a], []);

        Assert.Equal(
            [new PipeCount(none, 0), new PipeCount(b, 1), new PipeCount(a, 2)],
            await engine.Presence.CountSubscribersAsync(devId, [none, b, a]));
    }

    [Fact]
    public async Task Subscribers_are_listed_with_what_the_cluster_knows_of_them()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var pipe = NewPipe();
        var user = NewConnection(devId, 5, uuid: "uuid-user");
        var anonymous = NewConnection(devId, 0, uuid: "uuid-anonymous");
        await engine.Presence.ConnectAsync(user);
        await engine.Presence.ConnectAsync(anonymous);
        await engine.Presence.UpdateSubscriptionsAsync(user, [pipe], []);
        await engine.Presence.UpdateSubscriptionsAsync(anonymous, [pipe], []);

        var subscribers = await engine.Presence.GetSubscribersAsync(devId, pipe);

        Assert.Equal(
            new[] { user, anonymous }.OrderBy(c => c.ConnectionId, StringComparer.Ordinal),
            subscribers.OrderBy(c => c.ConnectionId, StringComparer.Ordinal));
        Assert.Empty(await engine.Presence.GetSubscribersAsync(devId, NewPipe()));
    }

    [Fact]
    public async Task Unsubscribing_and_disconnecting_remove_subscriptions()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var (a, b) = (NewPipe(), NewPipe());
        var connection = NewConnection(devId, 5);
        await engine.Presence.ConnectAsync(connection);
        await engine.Presence.UpdateSubscriptionsAsync(connection, [a, b], []);

        await engine.Presence.UpdateSubscriptionsAsync(connection, [], [a]);
        Assert.Equal([new PipeCount(a, 0), new PipeCount(b, 1)], await engine.Presence.CountSubscribersAsync(devId, [a, b]));

        await engine.Presence.DisconnectAsync(connection, [b]);
        Assert.Equal([new PipeCount(a, 0), new PipeCount(b, 0)], await engine.Presence.CountSubscribersAsync(devId, [a, b]));
        Assert.Empty(await engine.Presence.GetSubscribersAsync(devId, b));
    }

    [Fact]
    public async Task Disconnecting_again_or_with_pipes_it_had_left_changes_nothing()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var (track, left) = (NewPipe("track_"), NewPipe("track_"));
        var connection = NewConnection(devId, 5);
        await engine.Presence.ConnectAsync(connection);
        await engine.Presence.UpdateSubscriptionsAsync(connection, [track, left], []);
        await engine.Presence.UpdateSubscriptionsAsync(connection, [], [left]);

        // The node repeats a disconnect it is not sure of, with every pipe the connection may have had.
        await engine.Presence.DisconnectAsync(connection, [track, left]);
        await engine.Presence.DisconnectAsync(connection, [track, left]);

        await QuietAsync();
        Assert.Equal([PresenceEvents.Subscription, PresenceEvents.Unsubscription], delivery.MessagesOn(devId, track).Select(m => m.Event));
        Assert.Equal([PresenceEvents.Subscription, PresenceEvents.Unsubscription], delivery.MessagesOn(devId, left).Select(m => m.Event));
        Assert.Equal([new PipeCount(track, 0), new PipeCount(left, 0)], await engine.Presence.CountSubscribersAsync(devId, [track, left]));
    }

    [Fact]
    public async Task Joining_a_track_pipe_tells_the_members_but_not_the_joiner()
    {
        var (engine, delivery, clock, devId) = await StartEngineAsync();
        var pipe = NewPipe("track_");
        var joiner = NewConnection(devId, 5, uuid: "uuid-5");
        await engine.Presence.ConnectAsync(joiner);

        await engine.Presence.UpdateSubscriptionsAsync(joiner, [pipe], []);

        var events = await EventuallyAsync(() => delivery.MessagesOn(devId, pipe), list => list.Count > 0, "the subscription event");
        var joined = Assert.Single(events);
        Assert.Equal((pipe, PresenceEvents.Subscription, "{\"user_id\":5,\"uuid\":\"uuid-5\"}", true, joiner.ConnectionId),
            (joined.Pipe, joined.Event, joined.Data, joined.DataIsJson, joined.ExcludeConnectionId));
        Assert.InRange(joined.SendTime ?? 0, clock.UnixSeconds - 1, clock.UnixSeconds + 1);
    }

    [Fact]
    public async Task Leaving_a_track_pipe_tells_the_remaining_members()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var pipe = NewPipe("track_");
        var leaver = NewConnection(devId, 0, uuid: "uuid-anonymous");
        await engine.Presence.ConnectAsync(leaver);
        await engine.Presence.UpdateSubscriptionsAsync(leaver, [pipe], []);

        await engine.Presence.UpdateSubscriptionsAsync(leaver, [], [pipe]);

        var events = await EventuallyAsync(() => delivery.MessagesOn(devId, pipe), list => list.Count > 1, "the unsubscription event");
        var left = events[1];
        Assert.Equal((PresenceEvents.Unsubscription, "{\"user_id\":0,\"uuid\":\"uuid-anonymous\"}", leaver.ConnectionId),
            (left.Event, left.Data, left.ExcludeConnectionId));
    }

    [Fact]
    public async Task Disconnecting_leaves_track_pipes_with_an_event()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var (track, plain) = (NewPipe("track_"), NewPipe());
        var connection = NewConnection(devId, 5);
        await engine.Presence.ConnectAsync(connection);
        await engine.Presence.UpdateSubscriptionsAsync(connection, [track, plain], []);

        await engine.Presence.DisconnectAsync(connection, [track, plain]);

        var events = await EventuallyAsync(() => delivery.MessagesOn(devId, track), list => list.Count > 1, "the unsubscription event");
        Assert.Equal([PresenceEvents.Subscription, PresenceEvents.Unsubscription], events.Select(m => m.Event));
        await QuietAsync();
        Assert.Empty(delivery.MessagesOn(devId, plain));
    }

    [Fact]
    public async Task Repeating_a_subscription_or_leaving_an_unsubscribed_pipe_emits_nothing()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var (track, other) = (NewPipe("track_"), NewPipe("track_"));
        var connection = NewConnection(devId, 5);
        await engine.Presence.ConnectAsync(connection);
        await engine.Presence.UpdateSubscriptionsAsync(connection, [track], []);
        await EventuallyAsync(() => delivery.MessagesOn(devId, track), list => list.Count > 0, "the first subscription event");

        await engine.Presence.UpdateSubscriptionsAsync(connection, [track], [other]);
        await QuietAsync();

        Assert.Single(delivery.MessagesOn(devId, track));
        Assert.Empty(delivery.MessagesOn(devId, other));
        Assert.Equal([new PipeCount(track, 1)], await engine.Presence.CountSubscribersAsync(devId, [track]));
    }
}
