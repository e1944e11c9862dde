namespace Comet.Testing;

/// <summary>
/// One real redis-server for the whole test process, started on first use and killed at process
/// exit, so that cluster-mode gateways do not pay a Redis start each.
/// </summary>
internal static class SharedTestRedis
{
    private static readonly Lazy<Task<RedisServer>> _server = new(StartAsync);

    public static Task<RedisServer> GetAsync() => _server.Value;

    private static async Task<RedisServer> StartAsync()
    {
        var server = await RedisServer.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Kill();
        return server;
    }
}
