using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Gateway.Tests;

/// <summary>
/// A gateway whose open-file limit is low admits only the WebSockets its descriptors allow
/// (Comet:WebSocket:MaxConnections unset): one more gets 503 before the upgrade instead of a failing
/// accept, and the node stays responsive and keeps serving the connections it holds.
/// </summary>
public sealed class DescriptorLimitTests
{
    private const int FileLimit = 400;
    private const int CometQLMaxConnections = 10;
    // 400 - 320 kept for the process - 10 for CometQL (Admission/ConnectionCapacity).
    private const int Allowed = 70;
    private const int Beyond = 20;

    [Fact]
    public async Task Past_what_the_open_file_limit_allows_upgrades_get_503_while_the_node_stays_idle_and_serves_its_clients()
    {
        var prlimit = RequiredTool.Prlimit;
        await using var node = await GatewayProcess.StartAsync("fd-node", new Dictionary<string, string>
        {
            ["Comet:CometQL:MaxConnections"] = CometQLMaxConnections.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Comet.WebSockets.Admission"] = "Information",
        }, [prlimit, $"--nofile={FileLimit}:{FileLimit}"]);
        await node.WaitForOutputAsync($"WebSocket connections admitted: at most {Allowed} (open-file limit", TimeSpan.FromSeconds(20));

        var clients = new List<CometWebSocketClient>();
        try
        {
            for (var i = 0; i < Allowed; i++)
            {
                var client = await CometWebSocketClient.ConnectAndGreetAsync(node, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
                clients.Add(client);
                await client.SendAsync("subscription\nweb_fd");
            }

            var refusals = await Task.WhenAll(Enumerable.Range(0, Beyond).Select(_ => RefusedStatusAsync(node)));
            Assert.All(refusals, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));

            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                Assert.Equal("ok", await http.GetStringAsync(new Uri(node.HttpUri, "/health/live")));
            }
            // Not spinning on a failing accept (that cost more than a core): well under half a core while idle.
            var cpu = await CpuShareAsync(node.ProcessId, TimeSpan.FromSeconds(3));
            Assert.True(cpu < 0.5, $"the gateway used {cpu:P0} of a core while idle at its limit");

            await using var backend = await CometQLBackend.OpenAsync(node);
            // The last subscription has taken effect once a message reaches its client.
            await clients[^1].PublishUntilReceivedAsync("web_fd",
                () => backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_fd', 'probe', 'probe')"));
            await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_fd', 'after', 'after the refusals')");
            foreach (var client in clients)
            {
                await client.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "web_fd")
                    && m.GetProperty("data").GetString() == "after the refusals", TimeSpan.FromSeconds(20));
                Assert.True(client.IsOpen);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<HttpStatusCode> RefusedStatusAsync(GatewayProcess node)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(
            new Uri(node.WebSocketUri, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid())), CancellationToken.None));
        return socket.HttpStatusCode;
    }

    /// <summary>The process's CPU time (user + system, /proc/PID/stat) over <paramref name="window"/>, as a share of one core.</summary>
    private static async Task<double> CpuShareAsync(int pid, TimeSpan window)
    {
        var before = CpuTicks(pid);
        await Task.Delay(window);
        // Linux reports these in clock ticks of 1/100 s (USER_HZ).
        return (CpuTicks(pid) - before) / 100.0 / window.TotalSeconds;
    }

    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
