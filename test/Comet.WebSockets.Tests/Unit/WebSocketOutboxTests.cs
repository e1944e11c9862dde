using System.Text;
using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Node;
using Comet.WebSockets.Delivery;

namespace Comet.WebSockets.Tests.Unit;

/// <summary>A WebSocket client's send queue: held back until the greeting is out, bounded, closed when it overflows.</summary>
public sealed class WebSocketOutboxTests
{
    private static WebSocketOutbox Outbox(int capacity = 16, Action<WebSocketOutbox>? overflowed = null, long bytes = 1024 * 1024) =>
        new(new ClientRecord(0, "n:1", 5, "", "", "", "", "", null), MessageEncoding.Standard, capacity, bytes, overflowed);

    private static SharedMessage Message(string data) => new(new CometMessage("msg", "e", data));

    private static List<string> Drain(WebSocketOutbox outbox)
    {
        var texts = new List<string>();
        while (outbox.TryTake(out var message))
        {
            texts.Add(Encoding.UTF8.GetString(message.GetBytes(MessageEncoding.Standard).Span));
        }
        return texts;
    }

    [Fact]
    public void Live_messages_wait_until_the_gate_opens_and_keep_their_order()
    {
        using var outbox = Outbox();

        Assert.True(outbox.TryEnqueue(Message("live1"), signal: true));
        Assert.False(outbox.TryTake(out _));
        outbox.OpenGate();
        outbox.TryEnqueue(Message("live2"), signal: true);

        Assert.Equal(["{\"data\":\"live1\",\"event\":\"e\",\"pipe\":\"msg\"}", "{\"data\":\"live2\",\"event\":\"e\",\"pipe\":\"msg\"}"], Drain(outbox));
    }

    [Fact]
    public void Overflowing_the_queue_closes_the_client_once_as_a_slow_consumer()
    {
        var overflows = 0;
        using var outbox = Outbox(capacity: 2, overflowed: _ => overflows++);
        outbox.OpenGate();

        var taken = Enumerable.Range(0, 4).Select(i => outbox.TryEnqueue(Message("m" + i), signal: true)).ToList();

        Assert.Equal([true, true, false, false], taken);
        Assert.Equal(CloseRequest.SlowConsumer, outbox.CloseRequested);
        Assert.True(outbox.Closing.IsCancellationRequested);
        Assert.Equal(1, overflows);
    }

    [Fact]
    public void The_queue_is_bounded_in_bytes_and_a_slow_consumer_is_cut_at_once()
    {
        var overflows = 0;
        // Each message encodes to a little over 1 KiB: three fit in 4 KiB, a fourth does not.
        using var outbox = Outbox(capacity: 1000, overflowed: _ => overflows++, bytes: 4096);
        outbox.OpenGate();
        var kilobyte = new string('k', 1000);

        var taken = Enumerable.Range(0, 5).Select(i => outbox.TryEnqueue(Message(kilobyte), signal: true)).ToList();

        Assert.Equal([true, true, true, false, false], taken);
        Assert.Equal(CloseRequest.SlowConsumer, outbox.CloseRequested);
        Assert.True(outbox.CloseRequested?.AtOnce, "a reader that stopped reading gets no close handshake");
        Assert.Equal(1, overflows);
    }

    [Fact]
    public void Bytes_taken_by_the_writer_make_room_and_one_large_message_alone_always_fits()
    {
        using var outbox = Outbox(bytes: 4096);
        outbox.OpenGate();
        var large = new string('l', 10_000);

        Assert.True(outbox.TryEnqueue(Message(large), signal: true));
        Assert.True(outbox.QueuedBytes > 10_000);
        Assert.True(outbox.TryTake(out _));
        Assert.Equal(0, outbox.QueuedBytes);
        for (var round = 0; round < 10; round++)
        {
            Assert.True(outbox.TryEnqueue(Message(new string('s', 3000)), signal: true));
            Assert.True(outbox.TryTake(out _));
        }
        Assert.Null(outbox.CloseRequested);
    }

    [Fact]
    public void A_message_is_encoded_once_for_every_receiver()
    {
        using var first = Outbox();
        using var second = Outbox();
        first.OpenGate();
        second.OpenGate();
        var message = Message("shared");

        first.TryEnqueue(message, signal: true);
        second.TryEnqueue(message, signal: true);

        Assert.True(first.TryTake(out var a));
        Assert.True(second.TryTake(out var b));
        Assert.Same(a, b);
    }

    [Fact]
    public void The_node_closes_a_client_with_the_matching_close_code()
    {
        using var revoked = Outbox();
        using var draining = Outbox();

        revoked.Close(CloseReason.AuthorisationRevoked);
        draining.Close(CloseReason.ServiceRestart);

        Assert.Equal(1008, revoked.CloseRequested?.Code);
        Assert.Equal(1012, draining.CloseRequested?.Code);
        Assert.False(revoked.TryEnqueue(Message("late"), signal: true));
    }

    [Fact]
    public void A_completed_queue_takes_nothing_more_and_is_not_a_slow_consumer()
    {
        var overflows = 0;
        using var outbox = Outbox(overflowed: _ => overflows++);

        outbox.Complete();

        Assert.False(outbox.TryEnqueue(Message("x"), signal: true));
        Assert.Equal(0, overflows);
        Assert.Null(outbox.CloseRequested);
    }
}
