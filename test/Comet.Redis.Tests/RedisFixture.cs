using Comet.Core.Options;
using Comet.Testing;

namespace Comet.Redis.Tests;

/// <summary>One real redis-server shared by the tests of a class; each engine gets its own key prefix.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private static int s_next;

    public RedisServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => $"t{Environment.ProcessId}x{Interlocked.Increment(ref s_next)}";

    /// <summary>Options with short leases so that crash tests finish quickly.</summary>
    public RedisEngineOptions Options(string prefix) => new()
    {
        Configuration = Server.Configuration,
        Prefix = prefix,
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        NodeLeaseTtl = TimeSpan.FromSeconds(1),
        OperationTimeout = TimeSpan.FromSeconds(2),
    };
}
