using Comet.Core.Memory;
using Comet.Core.Options;
using Comet.Testing.Engines;

namespace Comet.Node.Tests;

/// <summary>A started node on a memory engine that fails on demand (<see cref="FaultyEngine"/>).</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private readonly MemoryEngine _memory;

    private TestNode(MemoryEngine memory, FaultyEngine engine, CometNode node)
    {
        _memory = memory;
        Engine = engine;
        Node = node;
    }

    public FaultyEngine Engine { get; }

    public CometNode Node { get; }

    public static async Task<TestNode> StartAsync(Action<LimitsOptions>? limits = null)
    {
        var options = new LimitsOptions();
        limits?.Invoke(options);
        var memory = MemoryEngineFactory.Create(options, TimeProvider.System);
        var engine = new FaultyEngine(memory);
        var node = new CometNode(engine, limits: Microsoft.Extensions.Options.Options.Create(options));
        await node.StartAsync(CancellationToken.None);
        return new TestNode(memory, engine, node);
    }

    /// <summary>Connects a new client (anonymous unless <paramref name="userId"/> is given).</summary>
    public async Task<NodeClient> ConnectAsync(int devId, long userId = 0, string? credential = null, int capacity = int.MaxValue, IClientOutbox? outbox = null)
    {
        var client = outbox is null
            ? TestClients.Create(devId, userId, credential: credential, capacity: capacity)
            : new NodeClient(TestClients.Record(devId, userId, credential: credential), outbox);
        Assert.True((await Node.ConnectAsync(client)).Accepted);
        return client;
    }

    /// <summary>The engine's subscriber count of a pipe.</summary>
    public async Task<long> CountAsync(int devId, string pipe) => (await Engine.Presence.CountSubscribersAsync(devId, [pipe]))[0].Count;

    public async ValueTask DisposeAsync()
    {
        await Node.StopAsync(CancellationToken.None);
        await Node.DisposeAsync();
        _memory.Dispose();
    }
}
