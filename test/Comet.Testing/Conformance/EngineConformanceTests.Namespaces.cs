using Comet.Core.Engine;
using Comet.Core.Messages;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>dev_id namespaces see nothing of each other.</summary>
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Nothing_stored_in_one_dev_id_is_visible_in_another()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var other = NewDevId();
        var pipe = NewPipe();
        var connection = NewConnection(devId, 5);
        await engine.Users.SetHashAsync(devId, 5, "hash");
        await engine.Users.SetDataAsync(devId, 5, "data");
        await engine.Users.RevokeTokenAsync(devId, "token", null);
        await engine.Pipes.SetLogLengthAsync(devId, pipe, 10);
        await engine.Bus.PublishAsync(devId, new CometMessage(pipe, "event", "logged"));
        await engine.Bus.SendToUserAsync(devId, 6, "event", "queued");
        await engine.Presence.ConnectAsync(connection);
        await engine.Presence.UpdateSubscriptionsAsync(connection, [pipe], []);

        Assert.Empty(await engine.Users.GetHashesAsync(other, [5]));
        Assert.Empty(await engine.Users.GetDataAsync(other, [5]));
        Assert.False(await engine.Users.IsTokenRevokedAsync(other, "token"));
        Assert.Empty(await engine.Users.GetRevokedTokensAsync(other, null, 10));
        Assert.Empty(await engine.Pipes.GetSettingsAsync(other, [pipe]));
        Assert.Empty(await engine.Pipes.GetLogAsync(other, pipe, 10));
        Assert.Empty(await engine.Bus.GetQueueAsync(other, 6));
        Assert.Equal([new PipeCount(pipe, 0)], await engine.Presence.CountSubscribersAsync(other, [pipe]));
        Assert.Empty(await engine.Presence.GetSubscribersAsync(other, pipe));
        Assert.Equal([new UserTime(5, -1)], await engine.Presence.GetUserTimesAsync(other, [5]));
        Assert.Empty((await engine.Presence.ConnectAsync(NewConnection(other, 6))).QueuedMessages);
        Assert.Equal(0, await engine.Bus.PublishAsync(other, new CometMessage(pipe, "event", "elsewhere")));
        await QuietAsync();
        Assert.All(delivery.PipeMessages.Where(d => d.Message.Data == "elsewhere"), d => Assert.Equal(other, d.DevId));
    }

    [Fact]
    public async Task The_same_user_in_two_dev_ids_has_two_connection_limits()
    {
        var (engine, _, _, devId) = await StartEngineAsync(limits => limits.MaxConnectionsPerUser = 1);
        var other = NewDevId();

        Assert.True((await engine.Presence.ConnectAsync(NewConnection(devId, 5))).Accepted);
        Assert.True((await engine.Presence.ConnectAsync(NewConnection(other, 5))).Accepted);
        Assert.False((await engine.Presence.ConnectAsync(NewConnection(devId, 5))).Accepted);
    }
}
