namespace Comet.Testing;

/// <summary>
/// One real redis-server for the whole test process (a container or a process, TestRedisMode), started
/// on first use and removed at process exit, so that cluster-mode gateways do not pay a Redis start each.
/// </summary>
internal static class SharedTestRedis
{
    private static readonly Lazy<Task<RedisServer>> _server = new(StartAsync);

    public static Task<RedisServer> GetAsync() => _server.Value;

    private static async Task<RedisServer> StartAsync()
    {
        var server = await RedisServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return server;
    }
}
