using System.Net;
using StackExchange.Redis;

namespace Comet.Redis.Client;

/// <summary>
/// One multiplexer and what the client uses of it. On a Sentinel set it is pinned to the master the
/// sentinels name (<see cref="Master"/>), and replaced by a new link when they name another one.
/// </summary>
internal sealed class RedisLink
{
    private RedisLink(ConnectionMultiplexer multiplexer, EndPoint? master)
    {
        Multiplexer = multiplexer;
        Database = multiplexer.GetDatabase();
        Subscriber = multiplexer.GetSubscriber();
        Master = master;
    }

    public ConnectionMultiplexer Multiplexer { get; }
    public IDatabase Database { get; }
    public ISubscriber Subscriber { get; }

    /// <summary>The one server this link talks to on a Sentinel set; null when the library finds the servers.</summary>
    public EndPoint? Master { get; }

    /// <summary>Connects without failing when Redis is down: the multiplexer keeps retrying.</summary>
    public static async Task<RedisLink> ConnectAsync(ConfigurationOptions configuration, EndPoint? master, TimeSpan settle)
    {
        if (master is not null)
        {
            // Only the master the sentinels named: a former master that still says "master" (it hung, or
            // a manual failover demoted it and Sentinel has not told it yet) is never written to.
            configuration = configuration.Clone();
            configuration.ServiceName = null;
            configuration.EndPoints.Clear();
            configuration.EndPoints.Add(master);
        }
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        // The first connect may still be completing (e.g. a Cluster's other shards); give it a moment
        // so that the node starts ready.
        var deadline = DateTime.UtcNow + settle;
        while (!multiplexer.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(25).ConfigureAwait(false);
        }
        return new RedisLink(multiplexer, master);
    }

    /// <summary>Closes without waiting for replies.</summary>
    public async Task CloseAsync()
    {
        await Multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        await Multiplexer.DisposeAsync().ConfigureAwait(false);
    }
}
