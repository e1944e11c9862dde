using Comet.Core.Engine;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>Acknowledged personal delivery: seqs, the resend window, what a resuming connection gets.</summary>
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Live_personal_messages_carry_increasing_seqs_and_a_resume_gets_what_came_after()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var first = Acknowledging(devId, after: 0);
        delivery.SetLocalConnections(devId, 5, 1);
        var connected = await ConnectAsync(engine, first);

        var seqs = await SendLiveAsync(engine, delivery, devId, 5);
        Assert.True(seqs.Zip(seqs.Skip(1)).All(p => p.First < p.Second), $"seqs increase: {string.Join(", ", seqs)}");
        Assert.True(seqs[0] > connected.ResumedAfter, "the first message comes after the seq the connection resumed after");

        await LeaveAsync(engine, delivery, first);
        var resumed = await ConnectAsync(engine, Acknowledging(devId, after: seqs[1]));

        Assert.Equal(["m3", "m4", "m5"], resumed.QueuedMessages.Select(m => m.Message));
        Assert.Equal(seqs[2..], resumed.QueuedMessages.Select(m => m.Seq));
        Assert.Equal(seqs[1], resumed.ResumedAfter);
        Assert.Null(resumed.Missed);
    }

    [Fact]
    public async Task A_first_connection_resumes_after_the_seq_before_its_queue_and_gets_it_again_if_it_drops()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        await engine.Bus.SendToUserAsync(devId, 5, "event", "m1");
        await engine.Bus.SendToUserAsync(devId, 5, "event", "m2");

        var first = Acknowledging(devId, after: 0);
        var connected = await ConnectAsync(engine, first);
        Assert.Equal(["m1", "m2"], connected.QueuedMessages.Select(m => m.Message));
        Assert.Equal(connected.QueuedMessages[0].Seq - 1, connected.ResumedAfter);

        // The greeting never arrived: the next connection resumes after what the first was told.
        await engine.Presence.DisconnectAsync(first, []);
        var again = await ConnectAsync(engine, Acknowledging(devId, after: connected.ResumedAfter));
        Assert.Equal(["m1", "m2"], again.QueuedMessages.Select(m => m.Message));
        Assert.Null(again.Missed);
    }

    [Fact]
    public async Task A_connection_before_the_users_first_message_can_resume_what_it_lost()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var first = Acknowledging(devId, after: 0);
        delivery.SetLocalConnections(devId, 5, 1);
        var connected = await ConnectAsync(engine, first);
        Assert.True(connected.ResumedAfter > 0, "a seq to resume after, though the user has had no message yet");

        // Both were written into a connection that died.
        var seqs = await SendLiveAsync(engine, delivery, devId, 2);
        Assert.True(seqs[0] > connected.ResumedAfter, "the first message comes after it");
        await LeaveAsync(engine, delivery, first);
        var resumed = await ConnectAsync(engine, Acknowledging(devId, after: connected.ResumedAfter));

        Assert.Equal(["m1", "m2"], resumed.QueuedMessages.Select(m => m.Message));
        Assert.Null(resumed.Missed);
    }

    [Fact]
    public async Task What_every_holder_acknowledged_leaves_the_window_and_a_resume_before_it_is_told()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var first = Acknowledging(devId, after: 0);
        delivery.SetLocalConnections(devId, 5, 1);
        await ConnectAsync(engine, first);
        var seqs = await SendLiveAsync(engine, delivery, devId, 4);

        Assert.True(await engine.Presence.AcknowledgeAsync(first, seqs[2]));
        await LeaveAsync(engine, delivery, first);
        var resumed = await ConnectAsync(engine, Acknowledging(devId, after: seqs[0]));

        Assert.Equal(["m4"], resumed.QueuedMessages.Select(m => m.Message));
        Assert.Equal(new SeqRange(seqs[0] + 1, seqs[2]), resumed.Missed);
    }

    [Fact]
    public async Task Acknowledging_beyond_the_latest_message_is_refused()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var connection = Acknowledging(devId, after: 0);
        delivery.SetLocalConnections(devId, 5, 1);
        await ConnectAsync(engine, connection);
        var seqs = await SendLiveAsync(engine, delivery, devId, 1);

        Assert.False(await engine.Presence.AcknowledgeAsync(connection, seqs[0] + 1));
        Assert.True(await engine.Presence.AcknowledgeAsync(connection, seqs[0]));
    }

    [Fact]
    public async Task A_closed_connection_holds_the_window_only_for_the_window_age()
    {
        var (engine, delivery, clock, devId) = await StartEngineAsync(limits => limits.AckWindowAge = TimeSpan.FromSeconds(10));
        var first = Acknowledging(devId, after: 0);
        delivery.SetLocalConnections(devId, 5, 1);
        await ConnectAsync(engine, first);
        var seqs = await SendLiveAsync(engine, delivery, devId, 2);
        await LeaveAsync(engine, delivery, first);

        await AdvanceTimeAsync(clock, TimeSpan.FromSeconds(11));
        var resumed = await ConnectAsync(engine, Acknowledging(devId, after: seqs[0]));

        Assert.Empty(resumed.QueuedMessages);
        Assert.Equal(new SeqRange(seqs[1], seqs[1]), resumed.Missed);
    }

    [Fact]
    public async Task The_window_keeps_at_most_its_length()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync(limits => limits.AckWindowLength = 3);
        var first = Acknowledging(devId, after: 0);
        delivery.SetLocalConnections(devId, 5, 1);
        await ConnectAsync(engine, first);
        var seqs = await SendLiveAsync(engine, delivery, devId, 6);
        await LeaveAsync(engine, delivery, first);

        var resumed = await ConnectAsync(engine, Acknowledging(devId, after: seqs[0] - 1));

        Assert.Equal(["m4", "m5", "m6"], resumed.QueuedMessages.Select(m => m.Message));
        Assert.Equal(new SeqRange(seqs[0], seqs[2]), resumed.Missed);
    }

    [Fact]
    public async Task Without_connections_that_acknowledge_nothing_is_kept_after_delivery()
    {
        var (engine, delivery, _, devId) = await StartEngineAsync();
        var plain = NewConnection(devId, 5);
        delivery.SetLocalConnections(devId, 5, 1);
        await ConnectAsync(engine, plain);
        var seqs = await SendLiveAsync(engine, delivery, devId, 3);
        await LeaveAsync(engine, delivery, plain);

        var resumed = await ConnectAsync(engine, Acknowledging(devId, after: seqs[0]));

        Assert.Empty(resumed.QueuedMessages);
        Assert.Equal(new SeqRange(seqs[1], seqs[2]), resumed.Missed);
    }

    /// <summary>A connection of user 5 that acknowledges, having processed everything up to <paramref name="after"/>.</summary>
    private static ClientRecord Acknowledging(int devId, long after) => NewConnection(devId, 5) with { ResumeAfter = after };

    /// <summary>Sends m1..m<paramref name="count"/> to user 5, waits until the node took them all live and
    /// returns their seqs in order.</summary>
    private async Task<long[]> SendLiveAsync(ICometEngine engine, RecordingNode delivery, int devId, int count)
    {
        var before = delivery.TakenBy(devId, 5).Count;
        for (var i = 1; i <= count; i++)
        {
            await engine.Bus.SendToUserAsync(devId, 5, "event", $"m{i}");
        }
        var taken = await EventuallyAsync(() => delivery.TakenBy(devId, 5), list => list.Count >= before + count, $"{count} live messages");
        Assert.Equal(Enumerable.Range(1, count).Select(i => $"m{i}"), taken.Skip(before).Select(m => m.Data));
        return [.. taken.Skip(before).Select(m => m.Seq)];
    }

    /// <summary>The connection leaves, and the node has no connection of user 5 any more.</summary>
    private static async Task LeaveAsync(ICometEngine engine, RecordingNode delivery, ClientRecord connection)
    {
        delivery.SetLocalConnections(connection.DevId, 5, 0);
        await engine.Presence.DisconnectAsync(connection, []);
    }
}
