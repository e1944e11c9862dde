using System.Diagnostics;
using System.Text;
using Comet.Core.Engine;
using Comet.Core.Hub;
using Comet.Core.Messages;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>Big pipe fan-outs run off the publisher's thread: every subscriber still gets every message, in order.</summary>
public sealed class PipeFanOutTests
{
    private const int BigPipe = 200;

    private static HubConnection[] Subscribe(LocalHub hub, string pipe, int count, int capacity = 64)
    {
        var connections = new HubConnection[count];
        for (var i = 0; i < count; i++)
        {
            var connection = new HubConnection(new ClientRecord(0, $"n:{pipe}:{i}", 0, "", "", "", "", "", null), compat: false, capacity);
            hub.Add(connection);
            hub.SetSubscriptions(connection, [pipe]);
            connection.OpenGate();
            connections[i] = connection;
        }
        return connections;
    }

    private static List<string> DataOf(HubConnection connection)
    {
        var texts = new List<string>();
        while (connection.Outbound.TryRead(out var message))
        {
            texts.Add(Encoding.UTF8.GetString(message.GetBytes(false).Span));
        }
        return texts;
    }

    private static string Json(string pipe, string data) => $"{{\"data\":\"{data}\",\"event\":\"e\",\"pipe\":\"{pipe}\"}}";

    private static void WaitForDelivery(LocalHub hub)
    {
        var clock = Stopwatch.StartNew();
        while (hub.PipeDeliveryBacklog > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "pipe delivery did not finish within 10 s");
            Thread.Sleep(1);
        }
    }

    [Fact]
    public void Every_subscriber_of_a_big_pipe_gets_every_message_in_publish_order_except_the_excluded_one()
    {
        using var hub = new LocalHub();
        var subscribers = Subscribe(hub, "web_big", BigPipe);

        for (var i = 0; i < 20; i++)
        {
            hub.DeliverToPipe(0, new CometMessage("web_big", "e", "m" + i, ExcludeConnectionId: i == 3 ? "n:web_big:7" : null));
        }
        WaitForDelivery(hub);

        var all = Enumerable.Range(0, 20).Select(i => Json("web_big", "m" + i)).ToList();
        foreach (var subscriber in subscribers)
        {
            var expected = subscriber.Id == "n:web_big:7" ? all.Where(t => t != Json("web_big", "m3")).ToList() : all;
            Assert.Equal(expected, DataOf(subscriber));
        }
    }

    [Fact]
    public void A_small_pipe_is_delivered_before_delivery_returns()
    {
        using var hub = new LocalHub();
        var subscribers = Subscribe(hub, "web_small", 3);

        hub.DeliverToPipe(0, new CometMessage("web_small", "e", "now"));

        Assert.All(subscribers, s => Assert.Equal([Json("web_small", "now")], DataOf(s)));
        Assert.Equal(0, hub.PipeDeliveryBacklog);
    }

    [Fact]
    public void A_pipe_that_shrinks_while_its_big_messages_are_queued_keeps_its_order()
    {
        using var hub = new LocalHub();
        var subscribers = Subscribe(hub, "web_shrink", BigPipe, capacity: 1000);
        var stays = subscribers[0];

        for (var i = 0; i < 300; i++)
        {
            hub.DeliverToPipe(0, new CometMessage("web_shrink", "e", "big" + i));
        }
        foreach (var leaver in subscribers.Skip(1))
        {
            hub.Remove(leaver);
        }
        hub.DeliverToPipe(0, new CometMessage("web_shrink", "e", "small"));
        WaitForDelivery(hub);

        var expected = Enumerable.Range(0, 300).Select(i => Json("web_shrink", "big" + i)).Append(Json("web_shrink", "small"));
        Assert.Equal(expected, DataOf(stays));
    }

    [Fact]
    public void A_slow_subscriber_of_a_big_pipe_is_closed_and_counted_and_the_others_get_everything()
    {
        using var hub = new LocalHub();
        var subscribers = Subscribe(hub, "web_slow", BigPipe, capacity: 50);
        var slow = subscribers[0];
        var slowBefore = DataOf(slow);
        Assert.Empty(slowBefore);

        for (var i = 0; i < 40; i++)
        {
            hub.DeliverToPipe(0, new CometMessage("web_slow", "e", "m" + i));
        }
        WaitForDelivery(hub);
        foreach (var subscriber in subscribers.Skip(1))
        {
            Assert.Equal(40, DataOf(subscriber).Count);
        }
        for (var i = 40; i < 51; i++)
        {
            hub.DeliverToPipe(0, new CometMessage("web_slow", "e", "m" + i));
        }
        WaitForDelivery(hub);

        Assert.Equal(CloseRequest.SlowConsumer, slow.CloseRequested);
        Assert.Equal(1, hub.SlowConsumerDisconnects);
        Assert.All(subscribers.Skip(1), s => Assert.Equal(11, DataOf(s).Count));
    }

    [Fact]
    public void Disposing_the_hub_delivers_what_was_queued_and_later_messages_are_delivered_inline()
    {
        var hub = new LocalHub();
        var subscribers = Subscribe(hub, "web_stop", BigPipe, capacity: 1000);
        for (var i = 0; i < 100; i++)
        {
            hub.DeliverToPipe(0, new CometMessage("web_stop", "e", "m" + i));
        }

        hub.Dispose();
        hub.DeliverToPipe(0, new CometMessage("web_stop", "e", "after"));

        Assert.Equal(0, hub.PipeDeliveryBacklog);
        Assert.All(subscribers, s => Assert.Equal(101, DataOf(s).Count));
    }
}
