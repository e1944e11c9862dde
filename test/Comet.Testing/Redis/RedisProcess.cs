using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Comet.Testing.Redis;

/// <summary>
/// One real <c>redis-server</c> (a data server or a sentinel) on a loopback port, in a folder of its
/// own, with no persistence: started, killed with SIGKILL and started again on the same port.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private readonly IReadOnlyList<string> _arguments;
    private Process? _process;

    public RedisProcess(string directory, IReadOnlyList<string> arguments, int? port = null)
    {
        Port = port ?? FreePort.Next();
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        _arguments = arguments;
    }

    public int Port { get; }
    public string Directory { get; }
    public string Address => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the server (the arguments may begin with a config file) and waits until it listens.</summary>
    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(RequiredTool.RedisServer)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        foreach (var argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var argument in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Directory, "--logfile", "redis.log" })
        {
            info.ArgumentList.Add(argument);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Wait.UntilAsync(async () =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"redis-server to listen on {Port}", TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGKILL: no goodbye to replicas, sentinels or cluster peers.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            // Bounded: the unbounded wait also waits for the output pipes, which a forked child (a
            // replication transfer) may hold open a while.
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        _process = null;
    }

    public Task<object?> ExecuteAsync(params string[] command) => RespClient.ExecuteAsync(Port, command);

    /// <summary>The last lines of the server's log (for a failing test's report).</summary>
    public string LogTail(int lines = 40)
    {
        var path = Path.Combine(Directory, "redis.log");
        return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(lines)) : "(no log)";
    }

    public void Dispose() => Kill();
}
