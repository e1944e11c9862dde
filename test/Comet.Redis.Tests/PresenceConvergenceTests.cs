using Comet.Core.Engine;
using StackExchange.Redis;

namespace Comet.Redis.Tests;

/// <summary>
/// Presence in Redis converges to what the node really holds after a slow node was reaped and after a
/// subscription change Redis refused: pipe counts do not stay short of the subscribers (seen once as
/// 480 of 1,000 in a loaded benchmark run on two nodes).
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
        var pipe = "web_" + Guid.NewGuid().ToString("N")[..12];
        var connection = MultiNodeTests.Connection(a, 60, "slow", devId: DevId);
        await a.Engine.Presence.ConnectAsync(connection);
        await a.Engine.Presence.UpdateSubscriptionsAsync(connection, [pipe], []);
        Assert.Equal([new PipeCount(pipe, 1)], await b.Engine.Presence.CountSubscribersAsync(DevId, [pipe]));

        // B's reaper claims A's registration as dead (A was paused past its lease, not dead) and reaps it:
        // A's next heartbeat finds its registration gone and registers everything again under a new id.
        var before = a.Engine.Registration;
        await b.Engine.Lease.Reaper.ReapAsync([before]);
        // The reap took the subscription out, unless A's next heartbeat (every 200 ms) already put it
        // back under a new id.
        var afterReap = await b.Engine.Presence.CountSubscribersAsync(DevId, [pipe]);
        Assert.True(afterReap[0].Count == 0 || a.Engine.Registration != before, "the reap left A's subscription in place");

        await TestWait.UntilAsync(() => b.Engine.Presence.CountSubscribersAsync(DevId, [pipe]), c => c[0].Count == 1,
            "A's subscription to be registered again", TimeSpan.FromSeconds(10));
        await TestWait.UntilAsync(() => b.Engine.Presence.GetUserTimesAsync(DevId, [60]), t => t[0].Time == 0,
            "A's user to be online again", TimeSpan.FromSeconds(10));
        Assert.NotEqual(before, a.Engine.Registration);
    }

    [Fact]
    public async Task A_subscription_Redis_refused_is_registered_once_Redis_takes_writes_again()
    {
        var (cluster, nodes) = await EngineCluster.StartAsync(redis, 1);
        await using var _ = cluster;
        var a = nodes[0];
        var pipe = "web_" + Guid.NewGuid().ToString("N")[..12];
        var first = MultiNodeTests.Connection(a, 0, "first", devId: DevId);
        var second = MultiNodeTests.Connection(a, 0, "second", devId: DevId);
        await a.Engine.Presence.ConnectAsync(first);
        await a.Engine.Presence.ConnectAsync(second);
        await a.Engine.Presence.UpdateSubscriptionsAsync(first, [pipe], []);

        using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration + ",allowAdmin=true");
        var server = admin.GetDatabase();
        try
        {
            // Out of memory: Redis refuses every write, so registering the second subscriber fails.
            await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
            await Assert.ThrowsAnyAsync<Exception>(() => a.Engine.Presence.UpdateSubscriptionsAsync(second, [pipe], []));
            Assert.Equal([new PipeCount(pipe, 1)], await a.Engine.Presence.CountSubscribersAsync(DevId, [pipe]));
        }
        finally
        {
            await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "0");
        }

        // The node still holds the second subscriber (its hub delivers to it): Redis learns it at a heartbeat.
        await TestWait.UntilAsync(() => a.Engine.Presence.CountSubscribersAsync(DevId, [pipe]), c => c[0].Count == 2,
            "the refused subscription to be registered", TimeSpan.FromSeconds(10));
    }
}
