using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
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
    private Process? _process;
    private RedisContainer? _container;
    private string? _directory;
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
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>Starts an owned server again on the same port (after <see cref="Kill"/>).</summary>
    public Task RestartAsync()
    {
        Kill();
        _process?.Dispose();
        return StartProcessAsync();
    }

    private async Task StartProcessAsync()
    {
        var redis = RequiredTool.RedisServer;
        _directory ??= Directory.CreateTempSubdirectory("comet-redis-").FullName;
        var info = new ProcessStartInfo(redis)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[]
                 {
                     "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", _directory,
                 }.Concat(_extraArguments))
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(Host, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"redis-server did not listen on {Port} within 10 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
            return;
        }
        Kill();
        _process?.Dispose();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
