using System.Globalization;
using Comet.Testing.Redis;
using Testcontainers.Redis;

namespace Comet.Testing;

/// <summary>
/// A real <c>redis-server</c> for tests: the one in <c>REDIS_URL</c> (host:port) if set, else a fresh
/// one with no persistence, removed on dispose: a container (Testcontainers.Redis) or a process on a
/// free loopback port, as <see cref="TestRedisMode"/> decides. Servers a test kills and restarts, or
/// starts with its own arguments, are always processes (<see cref="StartOwnedAsync"/>): restarting on the
/// same port and an abrupt kill are one call each on a process.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private RedisProcess? _process;
    private RedisContainer? _container;
    private IReadOnlyList<string> _extraArguments = [];

    private RedisServer(string host, int port)
    {
        Host = host;
        Port = port;
    }

    public string Host { get; }
    public int Port { get; private set; }
    public bool IsOwned => _process is not null || _container is not null;

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"{Host}:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var url = Environment.GetEnvironmentVariable("REDIS_URL");
        if (!string.IsNullOrWhiteSpace(url))
        {
            var parts = url.Replace("redis://", "", StringComparison.Ordinal).TrimEnd('/').Split(':');
            return new RedisServer(parts[0], parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 6379);
        }
        if (TestRedisMode.UsesContainers)
        {
            return await StartContainerAsync();
        }
        var server = new RedisServer("127.0.0.1", FreePort.Next());
        await server.StartProcessAsync();
        return server;
    }

    private static async Task<RedisServer> StartContainerAsync()
    {
        var container = new RedisBuilder(TestRedisMode.Image)
            .WithCommand("--save", "", "--appendonly", "no")
            .Build();
        await container.StartAsync();
        return new RedisServer(container.Hostname, container.GetMappedPublicPort(RedisBuilder.RedisPort)) { _container = container };
    }

    /// <summary>
    /// Always starts a process a fresh server of its own (REDIS_URL is ignored) with extra <c>redis-server</c>
    /// arguments, e.g. <c>--requirepass secret</c>.
    /// </summary>
    public static async Task<RedisServer> StartOwnedAsync(params string[] extraArguments)
    {
        var server = new RedisServer("127.0.0.1", FreePort.Next()) { _extraArguments = extraArguments };
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Stops an owned server abruptly (SHUTDOWN NOSAVE semantics: the process is killed).</summary>
    public void Kill()
    {
        if (_container is not null)
        {
            throw new InvalidOperationException("Kill and restart need a redis-server process: start this server with StartOwnedAsync.");
        }
        _process?.Kill();
    }

    /// <summary>Starts an owned server again on the same port (after <see cref="Kill"/>).</summary>
    public Task RestartAsync()
    {
        Kill();
        return StartProcessAsync();
    }

    private Task StartProcessAsync()
    {
        _process ??= new RedisProcess(
            Directory.CreateTempSubdirectory("comet-redis-").FullName, ["--save", "", "--appendonly", "no", .. _extraArguments], Port);
        return _process.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
            return;
        }
        Kill();
        if (_process is not null)
        {
            try
            {
                Directory.Delete(_process.Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
