using Comet.Core.Options;
using Comet.Node;
using Comet.Testing.Nodes;

namespace Comet.Redis.Tests;

/// <summary>
/// A node on the Redis engine as a gateway runs it, less the transports: tests connect clients
/// (<see cref="TestClients"/>) to <see cref="Node"/> and read what each received. The node owns the
/// clients and their subscriptions; the engine asks it what is local.
/// </summary>
internal sealed class RedisNode : IAsyncDisposable
{
    private RedisNode(string name, RedisEngine engine, CometNode node)
    {
        Name = name;
        Engine = engine;
        Node = node;
    }

    public string Name { get; }

    public RedisEngine Engine { get; }

    public CometNode Node { get; }

    public static async Task<RedisNode> StartAsync(RedisEngineOptions options, string name, LimitsOptions? limits = null, TimeProvider? time = null)
    {
        var engine = new RedisEngine(options, new NodeIdentity(name), limits ?? new LimitsOptions(), time ?? TimeProvider.System);
        var node = new CometNode(engine);
        await node.StartAsync(CancellationToken.None);
        return new RedisNode(name, engine, node);
    }

    /// <summary>Connects a client (anonymous unless <paramref name="userId"/> is given) and subscribes it to <paramref name="pipes"/>.</summary>
    public async Task<NodeClient> ConnectAsync(int devId, long userId = 0, string uuid = "uuid", params string[] pipes)
    {
        var client = TestClients.Create(devId, userId, uuid, node: Name);
        Assert.True((await Node.ConnectAsync(client)).Accepted, $"{Name} refused the client");
        if (pipes.Length > 0)
        {
            await Node.SetSubscriptionsAsync(client, pipes);
        }
        return client;
    }

    /// <summary>Stops like a killed process: nothing is cleaned up in Redis, other nodes must reap this one.</summary>
    public Task CrashAsync() => Engine.CrashAsync();

    public async ValueTask DisposeAsync()
    {
        await Node.StopAsync(CancellationToken.None);
        await Node.DisposeAsync();
    }
}
