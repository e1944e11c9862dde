using Comet.Core.Engine;
using Comet.Core.Messages;
using Xunit;

namespace Comet.Testing.Conformance;

/// <summary>pipes_settings and pipe logs (pipes_messages).</summary>
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Settings_come_back_in_request_order_for_the_pipes_that_have_them()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var (a, b, none) = (NewPipe(), NewPipe(), NewPipe());
        await engine.Pipes.SetLogLengthAsync(devId, a, 10);
        await engine.Pipes.SetLogLengthAsync(devId, b, 0);
        await engine.Pipes.SetLogLengthAsync(devId, a, 20);

        var settings = await engine.Pipes.GetSettingsAsync(devId, [b, none, a]);

        Assert.Equal([new PipeSetting(b, 0), new PipeSetting(a, 20)], settings);
    }

    [Fact]
    public async Task A_pipe_without_settings_keeps_no_log()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var pipe = NewPipe();

        await engine.Bus.PublishAsync(devId, new CometMessage(pipe, "event", "text"));

        Assert.Empty(await engine.Pipes.GetLogAsync(devId, pipe, 100));
    }

    [Fact]
    public async Task A_full_log_keeps_the_newest_messages_oldest_first()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var pipe = NewPipe();
        await engine.Pipes.SetLogLengthAsync(devId, pipe, 3);

        await PublishNumberedAsync(engine, devId, pipe, 5);

        Assert.Equal(["m3", "m4", "m5"], (await engine.Pipes.GetLogAsync(devId, pipe, 100)).Select(e => e.Message));
        Assert.Equal(["m4", "m5"], (await engine.Pipes.GetLogAsync(devId, pipe, 2)).Select(e => e.Message));
    }

    [Fact]
    public async Task A_shorter_log_length_trims_to_the_newest_entries()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var pipe = NewPipe();
        await engine.Pipes.SetLogLengthAsync(devId, pipe, 10);
        await PublishNumberedAsync(engine, devId, pipe, 6);

        await engine.Pipes.SetLogLengthAsync(devId, pipe, 2);

        Assert.Equal(["m5", "m6"], (await engine.Pipes.GetLogAsync(devId, pipe, 100)).Select(e => e.Message));
    }

    [Fact]
    public async Task A_log_entry_records_the_message_its_sender_and_its_time()
    {
        var (engine, _, clock, devId) = await StartEngineAsync();
        var pipe = NewPipe();
        await engine.Pipes.SetLogLengthAsync(devId, pipe, 10);

        await engine.Bus.PublishAsync(devId, new CometMessage(pipe, "chat", "hello", UserId: 42, SendTime: 1_600_000_000));
        await engine.Bus.PublishAsync(devId, new CometMessage(pipe, "notice", "{\"a\":1}"));

        var log = await engine.Pipes.GetLogAsync(devId, pipe, 10);
        Assert.Equal(2, log.Count);
        Assert.Equal((1_600_000_000L, pipe, "chat", "hello", 42L), (log[0].Time, log[0].Pipe, log[0].Event, log[0].Message, log[0].UserId));
        Assert.Equal((pipe, "notice", "{\"a\":1}", 0L), (log[1].Pipe, log[1].Event, log[1].Message, log[1].UserId));
        Assert.InRange(log[1].Time, clock.UnixSeconds - 1, clock.UnixSeconds + 1);
        Assert.False(string.IsNullOrEmpty(log[0].Id));
        Assert.NotEqual(log[0].Id, log[1].Id);
    }

    [Fact]
    public async Task Deleting_settings_removes_the_settings_and_the_log()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var pipe = NewPipe();
        await engine.Pipes.SetLogLengthAsync(devId, pipe, 10);
        await PublishNumberedAsync(engine, devId, pipe, 2);

        await engine.Pipes.DeleteSettingsAsync(devId, pipe);

        Assert.Empty(await engine.Pipes.GetSettingsAsync(devId, [pipe]));
        Assert.Empty(await engine.Pipes.GetLogAsync(devId, pipe, 100));
        await PublishNumberedAsync(engine, devId, pipe, 1);
        Assert.Empty(await engine.Pipes.GetLogAsync(devId, pipe, 100));
    }

    [Fact]
    public async Task Clearing_a_log_keeps_the_settings()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var pipe = NewPipe();
        await engine.Pipes.SetLogLengthAsync(devId, pipe, 10);
        await PublishNumberedAsync(engine, devId, pipe, 3);

        await engine.Pipes.ClearLogAsync(devId, pipe);

        Assert.Empty(await engine.Pipes.GetLogAsync(devId, pipe, 100));
        Assert.Equal([new PipeSetting(pipe, 10)], await engine.Pipes.GetSettingsAsync(devId, [pipe]));
        await PublishNumberedAsync(engine, devId, pipe, 1);
        Assert.Single(await engine.Pipes.GetLogAsync(devId, pipe, 100));
    }

    [Fact]
    public async Task Log_entries_are_deleted_by_id_whichever_pipe_holds_them()
    {
        var (engine, _, _, devId) = await StartEngineAsync();
        var (a, b) = (NewPipe(), NewPipe());
        await engine.Pipes.SetLogLengthAsync(devId, a, 10);
        await engine.Pipes.SetLogLengthAsync(devId, b, 10);
        await PublishNumberedAsync(engine, devId, a, 3);
        await PublishNumberedAsync(engine, devId, b, 2);
        var logA = await engine.Pipes.GetLogAsync(devId, a, 10);
        var logB = await engine.Pipes.GetLogAsync(devId, b, 10);

        await engine.Pipes.DeleteLogEntriesAsync(devId, [logA[1].Id, logB[0].Id, "no-such-id"]);

        Assert.Equal(["m1", "m3"], (await engine.Pipes.GetLogAsync(devId, a, 10)).Select(e => e.Message));
        Assert.Equal(["m2"], (await engine.Pipes.GetLogAsync(devId, b, 10)).Select(e => e.Message));
    }

    [Fact]
    public async Task A_trust_pipe_is_always_logged_up_to_the_maximum_length()
    {
        var (engine, _, _, devId) = await StartEngineAsync(limits => limits.MaxPipeLogLength = 4);
        var pipe = NewPipe("trust_");

        await PublishNumberedAsync(engine, devId, pipe, 6);

        Assert.Equal(["m3", "m4", "m5", "m6"], (await engine.Pipes.GetLogAsync(devId, pipe, 100)).Select(e => e.Message));
    }

    [Fact]
    public async Task A_trust_pipe_log_expires_after_the_trust_log_time()
    {
        var (engine, _, clock, devId) = await StartEngineAsync(limits => limits.TrustLogTtl = TimeSpan.FromSeconds(2));
        var pipe = NewPipe("trust_");
        await PublishNumberedAsync(engine, devId, pipe, 2);
        Assert.Equal(2, (await engine.Pipes.GetLogAsync(devId, pipe, 100)).Count);

        await AdvanceTimeAsync(clock, TimeSpan.FromSeconds(3));
        await PublishNumberedAsync(engine, devId, pipe, 1);

        await EventuallyAsync(() => engine.Pipes.GetLogAsync(devId, pipe, 100), log => log.Count == 1, "the old trust_ entries to expire");
    }

    private static async Task PublishNumberedAsync(ICometEngine engine, int devId, string pipe, int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await engine.Bus.PublishAsync(devId, new CometMessage(pipe, "event", $"m{i}"));
        }
    }
}
