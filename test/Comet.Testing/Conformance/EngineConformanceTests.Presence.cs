using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Names;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>Connections, the per-user limit, online/offline events and users_time.</summary>
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task A_started_engine_is_ready()
    {
        var (engine, _, _, _) = await StartEngineAsync();

        Assert.True(engine.IsReady);
    }

    [Fact]
    public async Task A_user_may_hold_only_the_maximum_number_of_connections()
    {
        var (engine, _, _, devId) = await StartEngineAsync(limits => limits.MaxConnectionsPerUser = 2);
        var first = NewConnection(devId, 5);

        Assert.True((await engine.Presence.ConnectAsync(first)).Accepted);
        Assert.True((await engine.Presence.ConnectAsync(NewConnection(devId, 5))).Accepted);
        Assert.False((await engine.Presence.ConnectAsync(NewConnection(devId, 5))).Accepted);
        Assert.True((await engine.Presence.ConnectAsync(NewConnection(devId, 6))).Accepted);

        await engine.Presence.DisconnectAsync(first, []);
        Assert.True((await engine.Presence.ConnectAsync(NewConnection(devId, 5))).Accepted);
    }

    [Fact]
    public async Task A_refused_connection_does_not_take_the_queue()
    {
        var (engine, _, _, devId) = await StartEngineAsync(limits => limits.MaxConnectionsPerUser = 1);
        await engine.Presence.ConnectAsync(NewConnection(devId, 5));
        await engine.Bus.SendToUserAsync(devId, 5, "event", "waiting");

        var refused = await engine.Presence.ConnectAsync(NewConnection(devId, 5));

        Assert.False(refused.Accepted);
        Assert.Empty(refused.QueuedMessages);
        Assert.Equal(["waiting"], (await EventuallyAsync(() => engine.Bus.GetQueueAsync(devId, 5), q => q.Count > 0, "the queued message")).Select(m => m.Message));
    }

    [Fact]
    public async Task Anonymous_connections_have_no_limit_and_no_queue()
    {
        var (engine, _, _, devId) = await StartEngineAsync(limits => limits.MaxConnectionsPerUser = 1);

        for (var i = 0; i < 5; i++)
        {
            var result = await engine.Presence.ConnectAsync(NewConnection(devId, 0));
            Assert.True(result.Accepted);
            Assert.Empty(result.QueuedMessages);
        }
    }

    [Fact]
    public async Task Online_and_offline_are_published_once_for_the_first_and_the_last_connection()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var status = PipeNames.UserStatus(5);
        var (a, b) = (NewConnection(devId, 5), NewConnection(devId, 5));

        await engine.Presence.ConnectAsync(a);
        await engine.Presence.ConnectAsync(b);
        await EventuallyAsync(() => delivery.MessagesOn(devId, status), list => list.Count > 0, "the online event");
        await QuietAsync();
        Assert.Equal([PresenceEvents.UserOnline(5)], delivery.MessagesOn(devId, status));

        await engine.Presence.DisconnectAsync(a, []);
        await QuietAsync();
        Assert.Single(delivery.MessagesOn(devId, status));

        await engine.Presence.DisconnectAsync(b, []);
        await EventuallyAsync(() => delivery.MessagesOn(devId, status), list => list.Count > 1, "the offline event");
        await QuietAsync();
        Assert.Equal([PresenceEvents.UserOnline(5), PresenceEvents.UserOffline(5)], delivery.MessagesOn(devId, status));
    }

    [Fact]
    public async Task A_user_who_comes_back_is_online_again()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var status = PipeNames.UserStatus(5);
        var first = NewConnection(devId, 5);
        await engine.Presence.ConnectAsync(first);
        await engine.Presence.DisconnectAsync(first, []);

        await engine.Presence.ConnectAsync(NewConnection(devId, 5));

        var events = await EventuallyAsync(() => delivery.MessagesOn(devId, status), list => list.Count >= 3, "online, offline, online");
        Assert.Equal([PresenceEvents.Online, PresenceEvents.Offline, PresenceEvents.Online], events.Select(m => m.Event));
        Assert.Equal([new UserTime(5, 0)], await engine.Presence.GetUserTimesAsync(devId, [5]));
    }

    [Fact]
    public async Task Anonymous_connections_publish_no_online_event()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var connection = NewConnection(devId, 0);

        await engine.Presence.ConnectAsync(connection);
        await engine.Presence.DisconnectAsync(connection, []);
        await QuietAsync();

        Assert.Empty(delivery.MessagesOn(devId, PipeNames.UserStatus(0)));
    }

    [Fact]
    public async Task Users_time_is_unknown_then_zero_while_online_then_the_last_disconnect()
    {
        var (engine, _, clock, devId) = await StartEngineAsync();
        var connection = NewConnection(devId, 5);

        Assert.Equal([new UserTime(5, -1), new UserTime(6, -1)], await engine.Presence.GetUserTimesAsync(devId, [5, 6]));

        await engine.Presence.ConnectAsync(connection);
        Assert.Equal([new UserTime(6, -1), new UserTime(5, 0)], await engine.Presence.GetUserTimesAsync(devId, [6, 5]));

        // users_time comes from the engine's clock, not from storage expiry: moving the clock is enough.
        clock.Advance(TimeSpan.FromSeconds(100));
        var leftAt = clock.UnixSeconds;
        await engine.Presence.DisconnectAsync(connection, []);
        var time = Assert.Single(await engine.Presence.GetUserTimesAsync(devId, [5])).Time;
        Assert.InRange(time, leftAt, leftAt + 1);
    }

    [Fact]
    public async Task Disconnecting_twice_or_an_unknown_connection_changes_nothing()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var (a, b) = (NewConnection(devId, 5), NewConnection(devId, 5));
        await engine.Presence.ConnectAsync(a);
        await engine.Presence.ConnectAsync(b);

        await engine.Presence.DisconnectAsync(a, []);
        await engine.Presence.DisconnectAsync(a, []);
        await engine.Presence.DisconnectAsync(NewConnection(devId, 5), []);
        await engine.Presence.DisconnectAsync(NewConnection(devId, 0), []);
        await QuietAsync();

        Assert.Equal([new UserTime(5, 0)], await engine.Presence.GetUserTimesAsync(devId, [5]));
        Assert.DoesNotContain(PresenceEvents.UserOffline(5), delivery.MessagesOn(devId, PipeNames.UserStatus(5)));

        await engine.Presence.DisconnectAsync(b, []);
        await engine.Presence.DisconnectAsync(b, []);
        await EventuallyAsync(() => delivery.MessagesOn(devId, PipeNames.UserStatus(5)), list => list.Count > 1, "the offline event");
        await QuietAsync();
        Assert.Single(delivery.MessagesOn(devId, PipeNames.UserStatus(5)), m => m.Event == PresenceEvents.Offline);
    }
}
