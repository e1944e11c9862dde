using Comet.Core.Messages;

namespace Comet.Node.Tests;

/// <summary>A publisher is answered only once pipe delivery is within Comet:Limits:MaxPipeDeliveryLag.</summary>
public sealed class PublisherBackpressureTests
{
    private const int Receivers = PipeDeliveryDispatcher.InlineFanOutLimit + 8;

    private static async Task<HeldWriterOutbox[]> SubscribeAsync(TestNode test, string pipe, ManualResetEventSlim writersMayRun)
    {
        var outboxes = new HeldWriterOutbox[Receivers];
        for (var i = 0; i < Receivers; i++)
        {
            outboxes[i] = new HeldWriterOutbox(writersMayRun);
            var client = await test.ConnectAsync(1, outbox: outboxes[i]);
            await test.Node.SetSubscriptionsAsync(client, [pipe]);
        }
        return outboxes;
    }

    [Fact]
    public async Task A_publish_is_answered_only_once_the_pipe_delivery_caught_up_and_every_receiver_has_both_messages_in_order()
    {
        await using var test = await TestNode.StartAsync(limits => limits.MaxPipeDeliveryLag = TimeSpan.FromMilliseconds(1));
        using var writersMayRun = new ManualResetEventSlim(false);
        var outboxes = await SubscribeAsync(test, "web_busy", writersMayRun);

        // The first fan-out's writers cannot finish, so it stays outstanding and grows older than 1 ms.
        var first = test.Node.PublishAsync(1, new CometMessage("web_busy", "e", "m0"));
        await Wait.UntilAsync(() => outboxes.All(o => o.Data.Count == 1), "the first message to be queued to every receiver");
        await Task.Delay(TimeSpan.FromMilliseconds(20));
        var second = test.Node.PublishAsync(1, new CometMessage("web_busy", "e", "m1"));
        await Wait.UntilAsync(() => outboxes.All(o => o.Data.Count == 2), "the second message to be queued to every receiver");

        Assert.False(second.IsCompleted, "the publisher was answered while delivery was behind");
        writersMayRun.Set();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(outboxes, o => Assert.Equal(["m0", "m1"], o.Data));
        await Wait.UntilAsync(() => test.Node.PipeDeliveryBacklog == 0, "the pipe delivery to finish");
    }

    [Fact]
    public async Task With_no_lag_bound_a_publish_is_answered_while_delivery_is_behind()
    {
        await using var test = await TestNode.StartAsync(limits => limits.MaxPipeDeliveryLag = TimeSpan.Zero);
        using var writersMayRun = new ManualResetEventSlim(false);
        var outboxes = await SubscribeAsync(test, "web_unbounded", writersMayRun);

        await test.Node.PublishAsync(1, new CometMessage("web_unbounded", "e", "m0")).WaitAsync(TimeSpan.FromSeconds(30));
        await Wait.UntilAsync(() => outboxes.All(o => o.Data.Count == 1), "the first message to be queued to every receiver");
        await Task.Delay(TimeSpan.FromMilliseconds(20));
        await test.Node.PublishAsync(1, new CometMessage("web_unbounded", "e", "m1")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, test.Node.PipeDeliveryBacklog);
        writersMayRun.Set();
        await Wait.UntilAsync(() => test.Node.PipeDeliveryBacklog == 0, "the pipe delivery to finish");
        Assert.All(outboxes, o => Assert.Equal(["m0", "m1"], o.Data));
    }
}
