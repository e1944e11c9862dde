using Comet.Core.Engine;
using StackExchange.Redis;

namespace Comet.Redis.Tests;

/// <summary>
/// Presence in Redis converges to what the node really holds after a slow node was reaped and after a
/// subscription change Redis refused: pipe counts do not stay short of the subscribers (seen once as
/// 480 of 1,000 in a loaded benchmark run on two nodes). NodeAgreementTests drives the same through
/// gateways and WebSocket clients.
/// </summary>
public sealed class PresenceConvergenceTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int DevId = 9;

    [Fact]
    public async Task A_node_reaped_while_it_renewed_its_lease_registers_its_connections_and_subscriptions_again()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 2);
        await using var _ = cluster;
        var (a, b) = (nodes[0], nodes[1]);
        var pipe = MultiNodeTests.NewPipe();
        await a.ConnectAsync(DevId, 60, "slow", pipe);
        Assert.Equal([new PipeCount(pipe, 1)], await b.Node.CountSubscribersAsync(DevId, [pipe]));

        // B's reaper claims A's registration as dead (A was paused past its lease, not dead) and reaps it:
        // A's next heartbeat finds its registration gone and registers everything again under a new id.
        var before = a.Engine.Registration;
        await b.Engine.Lease.Reaper.ReapAsync([before]);
        // The reap took the subscription out, unless A's next heartbeat (every 200 ms) already put it
        // back under a new id.
        var afterReap = await b.Node.CountSubscribersAsync(DevId, [pipe]);
        Assert.True(afterReap[0].Count == 0 || a.Engine.Registration != before, "the reap left A's subscription in place");

        await Wait.UntilAsync(() => b.Node.CountSubscribersAsync(DevId, [pipe]), c => c[0].Count == 1,
            "A's subscription to be registered again", TimeSpan.FromSeconds(10));
        await Wait.UntilAsync(() => b.Node.GetUserTimesAsync(DevId, [60]), t => t[0].Time == 0,
            "A's user to be online again", TimeSpan.FromSeconds(10));
        Assert.NotEqual(before, a.Engine.Registration);
    }

    [Fact]
    public async Task A_subscription_Redis_refused_is_registered_once_Redis_takes_writes_again()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 1);
        await using var _ = cluster;
        var a = nodes[0];
        var pipe = MultiNodeTests.NewPipe();
        await a.ConnectAsync(DevId, 0, "first", pipe);
        var second = await a.ConnectAsync(DevId, 0, "second");

        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration + ",allowAdmin=true");
        var server = admin.GetDatabase();
        try
        {
            // Out of memory: Redis refuses every write, so registering the second subscriber fails.
            await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
            await a.Node.SetSubscriptionsAsync(second, [pipe]);
            Assert.Equal([new PipeCount(pipe, 1)], await a.Node.CountSubscribersAsync(DevId, [pipe]));
            Assert.Equal(1, a.Node.ChangesWaitingForTheEngine);
        }
        finally
        {
            await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "0");
        }

        // The node holds the second subscriber (it delivers to it) and repeats the change until Redis takes it.
        await Wait.UntilAsync(() => a.Node.CountSubscribersAsync(DevId, [pipe]), c => c[0].Count == 2,
            "the refused subscription to be registered", TimeSpan.FromSeconds(10));
    }
}
