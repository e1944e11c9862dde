using System.Globalization;
using Comet.Testing;
using Comet.Testing.Clients;
using MySqlConnector;

namespace Comet.Gateway.Tests;

/// <summary>
/// A gateway whose open-file limit is low, in its default configuration: WebSocket and CometQL connections
/// take from one pool of descriptors (the limit less what the process keeps), so WebSockets use what CometQL
/// does not hold, and whichever protocol finds the pool empty gets its "full" answer (HTTP 503 before the
/// upgrade, MySQL error 1040) instead of a failing accept; the node stays responsive and keeps serving the
/// connections it holds, and a descriptor given back by one protocol is taken by the other.
/// </summary>
public sealed class DescriptorLimitTests
{
    private const int FileLimit = 600;
    // 600 - 400 kept for the process (Comet.Core DescriptorPool).
    private const int Pool = 200;
    private const int Beyond = 20;

    [Fact]
    public async Task WebSockets_take_what_CometQL_leaves_of_the_pool_and_past_it_both_protocols_are_refused_clearly_while_the_node_stays_idle()
    {
        var prlimit = RequiredTool.Prlimit;
        await using var node = await GatewayProcess.StartAsync("fd-node", new Dictionary<string, string>
        {
            ["Logging:LogLevel:Comet.WebSockets.Admission"] = "Information",
        }, [prlimit, $"--nofile={FileLimit}:{FileLimit}"]);
        await node.WaitForOutputAsync(string.Create(CultureInfo.InvariantCulture,
            $"WebSocket connections admitted: at most {Pool} (open-file limit; file descriptors: limit {FileLimit}"), TimeSpan.FromSeconds(20));

        // One backend connection holds a descriptor; CometQL's MaxConnections (1,000) reserves nothing beyond it.
        await using var backend = await CometQLBackend.OpenAsync(node);
        var clients = new List<CometWebSocketClient>();
        try
        {
            for (var i = 0; i < Pool - 1; i++)
            {
                var client = await CometWebSocketClient.ConnectAndGreetAsync(node, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
                clients.Add(client);
                await client.SendAsync("subscription\nweb_fd");
            }

            var refusals = await Task.WhenAll(Enumerable.Range(0, Beyond).Select(_ => RefusalAsync(node)));
            Assert.All(refusals, refusal =>
            {
                Assert.Equal(503, refusal.Status);
                Assert.Contains("no file descriptors left", refusal.Body, StringComparison.Ordinal);
            });
            var full = await Assert.ThrowsAsync<MySqlException>(() => CometQLBackend.OpenAsync(node));
            Assert.Equal(1040, full.Number);
            Assert.Contains("Too many connections", full.Message, StringComparison.Ordinal);

            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
            {
                Assert.Equal("ok", await http.GetStringAsync(new Uri(node.HttpUri, "/health/live")));
            }
            // Not spinning on a failing accept (that cost more than a core): well under half a core while idle.
            var cpu = await CpuShareAsync(node.ProcessId, TimeSpan.FromSeconds(3));
            Assert.True(cpu < 0.5, $"the gateway used {cpu:P0} of a core while idle at its limit");

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

            // A WebSocket closes: its descriptor goes to the next backend connection, and the pool is full again.
            await clients[0].DisposeAsync();
            clients.RemoveAt(0);
            await using var second = await Wait.UntilAsync<CometQLBackend?>(() => TryOpenBackendAsync(node), b => b is not null, "a CometQL connection to take the freed descriptor");
            Assert.Equal(503, (await RefusalAsync(node)).Status);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<(int Status, string Body)> RefusalAsync(GatewayProcess node)
    {
        using var refused = await RawWebSocket.ConnectAsync(node.HttpPort, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
        return (refused.Status, refused.Body);
    }

    private static async Task<CometQLBackend?> TryOpenBackendAsync(GatewayProcess node)
    {
        try
        {
            return await CometQLBackend.OpenAsync(node);
        }
        catch (MySqlException e) when (e.Number == 1040)
        {
            return null;
        }
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
