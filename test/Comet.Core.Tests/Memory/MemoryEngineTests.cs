using Comet.Core.Engine;
using Comet.Core.Memory;
using Comet.Core.Messages;
using Comet.Core.Options;
using Comet.Testing.Conformance;
using Comet.Testing.Engines;

namespace Comet.Core.Tests.Memory;

/// <summary>What only the memory engine promises: start-up rules, metrics, bad input, memory given back.</summary>
public sealed class MemoryEngineTests
{
    private static readonly ClientRecord s_connection = new(1, "node:1", 5, "uuid", "agent", "127.0.0.1", "", "");

    [Fact]
    public async Task Every_area_refuses_work_before_the_engine_is_started()
    {
        using var engine = MemoryEngineFactory.Create();

        var errors = new[]
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => engine.Users.GetHashesAsync(1, [5])),
            await Assert.ThrowsAsync<InvalidOperationException>(() => engine.Pipes.GetLogAsync(1, "web_a", 10)),
            await Assert.ThrowsAsync<InvalidOperationException>(() => engine.Bus.SendToUserAsync(1, 5, "e", "m")),
            await Assert.ThrowsAsync<InvalidOperationException>(() => engine.Presence.ConnectAsync(s_connection)),
        };

        Assert.All(errors, error => Assert.Contains("StartAsync", error.Message, StringComparison.Ordinal));
        Assert.False(engine.IsReady);
    }

    [Fact]
    public async Task The_engine_is_ready_between_start_and_stop()
    {
        using var engine = MemoryEngineFactory.Create();

        await engine.StartAsync(new RecordingNode(), CancellationToken.None);
        Assert.True(engine.IsReady);

        await engine.StopAsync(CancellationToken.None);
        Assert.False(engine.IsReady);
    }

    [Fact]
    public async Task Metrics_count_published_and_personal_messages_and_dropped_queue_entries()
    {
        var metrics = MemoryEngineFactory.NewMetrics();
        using var engine = MemoryEngineFactory.Create(limits => limits.OfflineQueueLength = 2, metrics);
        await engine.StartAsync(new RecordingNode(), CancellationToken.None);

        await engine.Bus.PublishAsync(1, new CometMessage("web_a", "e", "m"));
        await engine.Presence.ConnectAsync(s_connection);
        for (var i = 0; i < 5; i++)
        {
            await engine.Bus.SendToUserAsync(1, 6, "e", $"m{i}");
        }

        Assert.Equal(1, metrics.PipeMessages);
        Assert.Equal(5, metrics.PersonalMessages);
        Assert.Equal(3, metrics.DroppedQueuedMessages);
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_changes_nothing()
    {
        using var engine = MemoryEngineFactory.Create();
        await engine.StartAsync(new RecordingNode(), CancellationToken.None);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.Users.GetHashesAsync(-1, [5]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.Users.GetHashesAsync(100_000, [5]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.Bus.SendToUserAsync(1, -5, "e", "m"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.Presence.ConnectAsync(s_connection with { UserId = -1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => engine.Pipes.SetLogLengthAsync(1, "web_a", -1));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.Pipes.SetLogLengthAsync(1, new string('a', 65), 10));
        await Assert.ThrowsAsync<ArgumentException>(() => engine.Bus.PublishAsync(1, new CometMessage("", "e", "m")));

        Assert.Empty(await engine.Pipes.GetSettingsAsync(1, ["web_a"]));
        Assert.Empty(await engine.Bus.GetQueueAsync(1, 5));
    }

    [Fact]
    public async Task Pipes_and_users_with_nothing_left_are_given_back()
    {
        using var engine = MemoryEngineFactory.Create();
        await engine.StartAsync(new RecordingNode(), CancellationToken.None);
        var anonymous = s_connection with { ConnectionId = "node:2", UserId = 0 };

        await engine.Presence.ConnectAsync(s_connection);
        await engine.Presence.ConnectAsync(anonymous);
        await engine.Presence.UpdateSubscriptionsAsync(s_connection, ["web_a", "track_b"], []);
        await engine.Presence.UpdateSubscriptionsAsync(anonymous, ["web_a"], []);
        await engine.Pipes.SetLogLengthAsync(1, "web_c", 5);
        await engine.Bus.PublishAsync(1, new CometMessage("web_c", "e", "m"));
        await engine.Bus.SendToUserAsync(1, 7, "e", "m");

        await engine.Presence.DisconnectAsync(s_connection, ["web_a", "track_b"]);
        await engine.Presence.DisconnectAsync(anonymous, ["web_a"]);
        await engine.Pipes.DeleteSettingsAsync(1, "web_c");
        await engine.Bus.ClearQueueAsync(1, 7);

        var space = Assert.Single(engine.State.Namespaces);
        Assert.Empty(space.PipeKeys);
        Assert.Equal([5L], space.UserKeys); // users_time remembers the last disconnect
    }

    [Fact]
    public async Task The_sweep_drops_expired_entries_nobody_reads()
    {
        var clock = new ManualTimeProvider();
        using var engine = MemoryEngineFactory.Create(new LimitsOptions(), clock);
        await engine.StartAsync(new RecordingNode(), CancellationToken.None);
        await engine.Bus.PublishAsync(1, new CometMessage("trust_a", "e", "m"));
        await engine.Bus.SendToUserAsync(1, 7, "e", "m");
        await engine.Users.RevokeTokenAsync(1, "token", null);
        var space = Assert.Single(engine.State.Namespaces);

        clock.Advance(TimeSpan.FromDays(31));
        engine.State.Sweep();

        Assert.Empty(space.PipeKeys);
        Assert.Empty(space.UserKeys);
        Assert.Empty(space.RevokedTokens);
    }

    [Fact]
    public async Task Concurrent_senders_and_reconnects_lose_and_duplicate_nothing()
    {
        using var engine = MemoryEngineFactory.Create(limits => limits.OfflineQueueLength = 100_000);
        var delivery = new RecordingNode();
        delivery.SetLocalConnections(1, 5, 1);
        await engine.StartAsync(delivery, CancellationToken.None);
        var fromQueues = new List<string>();
        using var sending = new CancellationTokenSource();

        var senders = Enumerable.Range(0, 4).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                await engine.Bus.SendToUserAsync(1, 5, "e", $"{sender}:{i}");
            }
        })).ToArray();
        var reconnects = Task.Run(async () =>
        {
            for (var round = 0; !senders.All(task => task.IsCompleted); round++)
            {
                var connection = s_connection with { ConnectionId = $"node:{round}" };
                var result = await engine.Presence.ConnectAsync(connection);
                fromQueues.AddRange(result.QueuedMessages.Select(m => m.Message));
                await engine.Presence.DisconnectAsync(connection, []);
            }
        });
        await Task.WhenAll(senders);
        await reconnects;

        var seen = fromQueues
            .Concat(delivery.TakenBy(1, 5).Select(m => m.Data))
            .Concat((await engine.Bus.GetQueueAsync(1, 5)).Select(m => m.Message))
            .ToList();
        Assert.Equal(8_000, seen.Count);
        Assert.Equal(8_000, seen.Distinct(StringComparer.Ordinal).Count());
    }
}
