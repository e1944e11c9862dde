using System.Diagnostics;
using System.Text;

namespace Comet.Testing;

/// <summary>
/// A gateway as its own operating-system process (<c>dotnet Comet.Gateway.dll</c>), for tests that
/// run several nodes against one Redis or kill one with SIGKILL.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, string nodeName, int httpPort, int cometQLPort, int managementPort)
    {
        _process = process;
        NodeName = nodeName;
        HttpPort = httpPort;
        CometQLPort = cometQLPort;
        ManagementPort = managementPort;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string NodeName { get; }
    public int HttpPort { get; }
    public int CometQLPort { get; }
    public int ManagementPort { get; }
    public Uri HttpUri => new($"http://127.0.0.1:{HttpPort}");

    /// <summary>The management port: /metrics and the status page.</summary>
    public Uri ManagementUri => new($"http://127.0.0.1:{ManagementPort}");
    public Uri WebSocketUri => new($"ws://127.0.0.1:{HttpPort}");
    public bool HasExited => _process.HasExited;

    /// <summary>The operating-system process id (for /proc readings).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Everything the process printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Waits until the process has printed <paramref name="text"/> (its output is read asynchronously).</summary>
    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        Wait.UntilAsync(() => Output, output => output.Contains(text, StringComparison.Ordinal), $"gateway {NodeName} to print '{text}'", timeout);

    public string ConnectionString(string user = "root", string password = TestGateway.Password) =>
        $"Server=127.0.0.1;Port={CometQLPort};User Id={user};Password={password};Database=CometQL_v1;SslMode=None;Pooling=false";

    /// <summary>Starts a node and waits until <c>/info</c> answers. <paramref name="launcher"/>: a command
    /// that runs <c>dotnet</c> for it (e.g. <c>prlimit --nofile=400:400</c>), or null.</summary>
    public static async Task<GatewayProcess> StartAsync(string nodeName, IReadOnlyDictionary<string, string>? settings = null,
        IReadOnlyList<string>? launcher = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll");
        var httpPort = FreePort.Next();
        var cometQLPort = FreePort.Next();
        var managementPort = FreePort.Next();
        var info = new ProcessStartInfo(launcher is { Count: > 0 } ? launcher[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        if (launcher is { Count: > 0 })
        {
            foreach (var argument in launcher.Skip(1))
            {
                info.ArgumentList.Add(argument);
            }
            info.ArgumentList.Add("dotnet");
        }
        info.ArgumentList.Add(dll);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        info.Environment["Comet__Password"] = TestGateway.Password;
        info.Environment["Comet__NodeName"] = nodeName;
        info.Environment["Comet__CometQL__Port"] = cometQLPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Comet__Management__Port"] = managementPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Stop at once; drain tests set their own Comet:Drain settings.
        info.Environment["Comet__Drain__Delay"] = "00:00:00";
        info.Environment["Comet__Drain__Window"] = "00:00:00";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the gateway.");
        var node = new GatewayProcess(process, nodeName, httpPort, cometQLPort, managementPort);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        // Generous: on a loaded build machine a cold start of the runtime alone can take tens of seconds.
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Gateway {nodeName} exited at start:\n{node.Output}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri(node.HttpUri, "/info"));
                if (response.IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        await node.DisposeAsync();
        throw new TimeoutException($"Gateway {nodeName} did not answer /info in 90 s:\n{node.Output}");
    }

    /// <summary>Kills the process at once (SIGKILL): no cleanup runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>Sends SIGTERM (a graceful stop, as Kubernetes does) without waiting for the exit.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    /// <summary>Waits for the process to exit; its exit code, or null when it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        return _process.ExitCode;
    }

    /// <summary>Stops the process gracefully (SIGTERM) and waits for it.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (_process.HasExited)
        {
            return;
        }
        Terminate();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
