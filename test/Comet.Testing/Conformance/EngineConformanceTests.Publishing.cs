using Comet.Core.Messages;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>Publishing to pipes: delivery to the node and the subscriber count.</summary>
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task A_published_message_reaches_the_node_unchanged()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var pipe = NewPipe();
        var message = new CometMessage(pipe, "chat", "{\"text\":\"hi\"}", DataIsJson: true, UserId: 12, SendTime: 1_700_000_000,
            ExcludeConnectionId: "node-a:1");

        await engine.Bus.PublishAsync(devId, message);

        var delivered = await EventuallyAsync(() => delivery.MessagesOn(devId, pipe), list => list.Count > 0, "the pipe message");
        Assert.Equal(message, Assert.Single(delivered));
    }

    [Fact]
    public async Task Publishing_returns_the_number_of_subscribed_connections()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var (pipe, empty) = (NewPipe(), NewPipe());
        foreach (var connection in new[] { NewConnection(devId, 1), NewConnection(devId, 2), NewConnection(devId, 0) })
        {
            await engine.Presence.ConnectAsync(connection);
            await engine.Presence.UpdateSubscriptionsAsync(connection, [pipe], []);
        }

        Assert.Equal(3, await engine.Bus.PublishAsync(devId, new CometMessage(pipe, "event", "text")));
        Assert.Equal(0, await engine.Bus.PublishAsync(devId, new CometMessage(empty, "event", "text")));
    }

    [Fact]
    public async Task Messages_of_one_pipe_arrive_in_publishing_order()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var pipe = NewPipe();
        var expected = Enumerable.Range(1, 50).Select(i => $"m{i}").ToArray();

        foreach (var text in expected)
        {
            await engine.Bus.PublishAsync(devId, new CometMessage(pipe, "event", text));
        }

        var delivered = await EventuallyAsync(() => delivery.MessagesOn(devId, pipe), list => list.Count >= expected.Length, "50 pipe messages");
        Assert.Equal(expected, delivered.Select(m => m.Data));
    }
}
