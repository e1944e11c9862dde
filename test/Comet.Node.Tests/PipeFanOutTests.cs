using Comet.Core.Messages;

namespace Comet.Node.Tests;

/// <summary>Big pipe fan-outs run off the publisher's thread: every subscriber still gets every message, in order.</summary>
public sealed class PipeFanOutTests
{
    private const int BigPipe = 200;

    private static async Task<NodeClient[]> SubscribeAsync(TestNode test, string pipe, int count, int capacity = int.MaxValue)
    {
        var clients = new NodeClient[count];
        for (var i = 0; i < count; i++)
        {
            clients[i] = await test.ConnectAsync(1, capacity: capacity);
            await test.Node.SetSubscriptionsAsync(clients[i], [pipe]);
        }
        return clients;
    }

    private static void Publish(TestNode test, string pipe, string data, string? excluded = null) =>
        test.Node.Local.DeliverToPipe(1, new CometMessage(pipe, "e", data, ExcludeConnectionId: excluded));

    private static List<string> DataOf(NodeClient client) => [.. client.Received().Messages.Select(m => m.Data)];

    private static Task DeliveredAsync(TestNode test) =>
        Wait.UntilAsync(() => test.Node.PipeDeliveryBacklog == 0, "the pipe delivery to finish");

    [Fact]
    public async Task Every_subscriber_of_a_big_pipe_gets_every_message_in_publish_order_except_the_excluded_one()
    {
        await using var test = await TestNode.StartAsync();
        var subscribers = await SubscribeAsync(test, "web_big", BigPipe);
        var excluded = subscribers[7];

        for (var i = 0; i < 20; i++)
        {
            Publish(test, "web_big", "m" + i, i == 3 ? excluded.Id : null);
        }
        await DeliveredAsync(test);

        var all = Enumerable.Range(0, 20).Select(i => "m" + i).ToList();
        foreach (var subscriber in subscribers)
        {
            Assert.Equal(subscriber == excluded ? all.Where(t => t != "m3").ToList() : all, DataOf(subscriber));
        }
    }

    [Fact]
    public async Task A_small_pipe_is_delivered_before_delivery_returns()
    {
        await using var test = await TestNode.StartAsync();
        var subscribers = await SubscribeAsync(test, "web_small", 3);

        Publish(test, "web_small", "now");

        Assert.All(subscribers, s => Assert.Equal(["now"], DataOf(s)));
        Assert.Equal(0, test.Node.PipeDeliveryBacklog);
    }

    [Fact]
    public async Task A_pipe_that_shrinks_while_its_big_messages_are_queued_keeps_its_order()
    {
        await using var test = await TestNode.StartAsync();
        var subscribers = await SubscribeAsync(test, "web_shrink", BigPipe);
        var stays = subscribers[0];

        for (var i = 0; i < 300; i++)
        {
            Publish(test, "web_shrink", "big" + i);
        }
        foreach (var leaver in subscribers.Skip(1))
        {
            await test.Node.DisconnectAsync(leaver);
        }
        Publish(test, "web_shrink", "small");
        await DeliveredAsync(test);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => "big" + i).Append("small"), DataOf(stays));
    }

    [Fact]
    public async Task A_subscriber_that_stops_taking_messages_does_not_hold_up_the_others()
    {
        await using var test = await TestNode.StartAsync();
        var subscribers = await SubscribeAsync(test, "web_slow", BigPipe);
        var slow = await test.ConnectAsync(1, capacity: 40);
        await test.Node.SetSubscriptionsAsync(slow, ["web_slow"]);

        for (var i = 0; i < 51; i++)
        {
            Publish(test, "web_slow", "m" + i);
        }
        await DeliveredAsync(test);

        Assert.True(slow.Received().Overflowed);
        Assert.Equal(40, DataOf(slow).Count);
        Assert.All(subscribers, s => Assert.Equal(51, DataOf(s).Count));
    }

    [Fact]
    public async Task Disposing_the_node_delivers_what_was_queued_and_later_messages_are_delivered_inline()
    {
        var test = await TestNode.StartAsync();
        var subscribers = await SubscribeAsync(test, "web_stop", BigPipe);
        for (var i = 0; i < 100; i++)
        {
            Publish(test, "web_stop", "m" + i);
        }

        await test.DisposeAsync();
        Publish(test, "web_stop", "after");

        Assert.Equal(0, test.Node.PipeDeliveryBacklog);
        Assert.All(subscribers, s => Assert.Equal(101, DataOf(s).Count));
    }
}
