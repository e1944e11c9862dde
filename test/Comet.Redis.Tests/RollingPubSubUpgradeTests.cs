using Comet.Core.Engine;
using Comet.Core.Messages;
using Comet.Core.Options;
using Comet.Testing.Conformance;

namespace Comet.Redis.Tests;

/// <summary>
/// The rolling upgrade from classic to sharded pub/sub (docs/redis.md): Classic, then
/// ClassicListeningToBoth, then ShardedListeningToBoth, then Sharded. While a roll is half done the
/// cluster runs two neighbouring steps at once; pipe messages, personal messages and close requests
/// must cross between them both ways.
/// </summary>
public sealed class RollingPubSubUpgradeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int DevId = 13;

    [Theory]
    [InlineData(PubSubMode.Classic, PubSubMode.ClassicListeningToBoth)]
    [InlineData(PubSubMode.ClassicListeningToBoth, PubSubMode.ShardedListeningToBoth)]
    [InlineData(PubSubMode.ShardedListeningToBoth, PubSubMode.Sharded)]
    public async Task Nodes_one_step_apart_hear_each_other(PubSubMode older, PubSubMode newer)
    {
        var prefix = RedisFixture.NewPrefix();
        await using var a = await StartAsync(prefix, "older", older);
        await using var b = await StartAsync(prefix, "newer", newer);
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            var pipe = "web_" + Guid.NewGuid().ToString("N")[..12];
            var userId = Random.Shared.NextInt64(1000, 1_000_000);
            var listener = new ClientRecord(DevId, Guid.NewGuid().ToString("N"), userId, "u", "", "", "", "");
            to.Delivery.SetLocalConnections(DevId, userId, 1);
            await to.Engine.Presence.ConnectAsync(listener);
            await to.Engine.Presence.UpdateSubscriptionsAsync(listener, [pipe], []);

            await from.Engine.Bus.PublishAsync(DevId, new CometMessage(pipe, "e", "pipe"));
            await from.Engine.Bus.SendToUserAsync(DevId, userId, "e", "personal");
            await from.Engine.Bus.CloseUserAsync(DevId, userId, null);

            await TestWait.UntilAsync(() => to.Delivery.MessagesOn(DevId, pipe), l => l.Count == 1, $"the pipe message from {older} to {newer}");
            await TestWait.UntilAsync(() => to.Delivery.TakenBy(DevId, userId), l => l.Count == 1, "the personal message");
            await TestWait.UntilAsync(() => to.Delivery.Closes, l => l.Any(c => c.UserId == userId), "the close request");
        }
    }

    [Fact]
    public async Task Skipping_a_step_splits_the_cluster_which_is_why_the_order_matters()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var classic = await StartAsync(prefix, "classic", PubSubMode.Classic);
        await using var sharded = await StartAsync(prefix, "sharded", PubSubMode.Sharded);
        var pipe = "web_" + Guid.NewGuid().ToString("N")[..12];
        var listener = new ClientRecord(DevId, "listener", 0, "u", "", "", "", "");
        await sharded.Engine.Presence.ConnectAsync(listener);
        await sharded.Engine.Presence.UpdateSubscriptionsAsync(listener, [pipe], []);

        await classic.Engine.Bus.PublishAsync(DevId, new CometMessage(pipe, "e", "lost"));

        await Task.Delay(500);
        Assert.Empty(sharded.Delivery.MessagesOn(DevId, pipe));
    }

    private async Task<Node> StartAsync(string prefix, string name, PubSubMode mode)
    {
        var options = redis.Options(prefix);
        options.PubSub = mode;
        var engine = new RedisEngine(options, new NodeIdentity(name), new LimitsOptions(), TimeProvider.System);
        var delivery = new RecordingDelivery();
        await engine.StartAsync(delivery, CancellationToken.None);
        return new Node(engine, delivery);
    }

    private sealed record Node(RedisEngine Engine, RecordingDelivery Delivery) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Engine.DisposeAsync();
    }
}
