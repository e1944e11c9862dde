using Comet.Core.Messages;
using Comet.Core.Names;
using Comet.Node;

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
            var pipe = MultiNodeTests.NewPipe();
            var userId = Random.Shared.NextInt64(1000, 1_000_000);
            var listener = await to.ConnectAsync(DevId, userId, "u", pipe);

            await from.Node.PublishAsync(DevId, new CometMessage(pipe, "e", "pipe"));
            await from.Node.SendToUserAsync(DevId, userId, "e", "personal");
            await Wait.UntilAsync(() => listener.Received().On(pipe), l => l.Count == 1, $"the pipe message from {older} to {newer}");
            await Wait.UntilAsync(() => listener.Received().On(PipeNames.Personal), l => l.Count == 1, "the personal message");

            await from.Node.CloseUserAsync(DevId, userId, null);
            await Wait.UntilAsync(() => listener.Received().Closed, c => c == CloseReason.AuthorisationRevoked, "the close request");
        }
    }

    [Fact]
    public async Task Skipping_a_step_splits_the_cluster_which_is_why_the_order_matters()
    {
        var prefix = RedisFixture.NewPrefix();
        await using var classic = await StartAsync(prefix, "classic", PubSubMode.Classic);
        await using var sharded = await StartAsync(prefix, "sharded", PubSubMode.Sharded);
        var pipe = MultiNodeTests.NewPipe();
        var listener = await sharded.ConnectAsync(DevId, pipes: pipe);

        await classic.Node.PublishAsync(DevId, new CometMessage(pipe, "e", "lost"));

        await Task.Delay(500);
        Assert.Empty(listener.Received().On(pipe));
    }

    private Task<RedisNode> StartAsync(string prefix, string name, PubSubMode mode)
    {
        var options = redis.Options(prefix);
        options.PubSub = mode;
        return RedisNode.StartAsync(options, name);
    }
}
