using System.Text.RegularExpressions;
using Comet.Testing;
using Comet.Testing.Clients;
using Xunit.Abstractions;

namespace Comet.Containers.Tests;

/// <summary>
/// compose/docker-compose.yml as an operator runs it, step by step (the steps run in this order): the
/// containers come up healthy behind HAProxy with TLS; browsers on wss and backends on CometQL talk
/// across containers; HAProxy's PROXY headers give each backend its own address; a gateway is killed
/// and nothing acknowledged is lost; <c>docker-compose down</c> leaves nothing behind.
/// </summary>
[TestCaseOrderer(StepOrderer.TypeName, StepOrderer.AssemblyName)]
public sealed class ComposeClusterTests(ComposeCluster cluster, ITestOutputHelper output) : IClassFixture<ComposeCluster>
{
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Gateways_run_as_non_root_turn_healthy_and_haproxy_serves_https_from_all_three()
    {
        output.WriteLine($"docker-compose up to all three gateways routed over https: {cluster.StartToReady.TotalSeconds:0.0} s");
        foreach (var gateway in ComposeCluster.Gateways)
        {
            var container = await cluster.ContainerAsync(gateway);
            Assert.Equal("1654", (await DockerEngine.RunAsync("inspect", "-f", "{{.Config.User}}", container)).Trim());
            Assert.Equal("1654", (await DockerEngine.RunAsync("exec", container, "id", "-u")).Trim());
            // The image's HEALTHCHECK (the gateway's own probe) runs every 10 s.
            await Wait.UntilAsync(
                async () => (await DockerEngine.RunAsync("inspect", "-f", "{{.State.Health.Status}}", container)).Trim() == "healthy",
                $"{gateway} to turn healthy", TimeSpan.FromSeconds(60));
        }
        Assert.Equal(ComposeCluster.Gateways, (await cluster.NodesBehindHttpsAsync(12)).Order());
        using var http = cluster.CreateHttpClient();
        Assert.Equal("ready", await http.GetStringAsync(new Uri(cluster.HttpsUri, "/health/ready")));
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri($"http://127.0.0.1:{cluster.WssPort}/info")));
    }

    [Fact]
    public async Task Browsers_on_wss_get_pipe_and_personal_messages_a_backend_sends_over_cometql_through_other_containers()
    {
        long[] users = [9101, 9102, 9103];
        await using var backend = await CometQLBackend.OpenAsync(cluster.ConnectionString);
        foreach (var user in users)
        {
            await backend.ExecuteAsync($"INSERT INTO users_auth (id, hash) VALUES ({user}, 'h{user}')");
        }
        var browsers = new List<CometWebSocketClient>();
        try
        {
            foreach (var user in users)
            {
                var browser = await CometWebSocketClient.ConnectAsync(cluster.WssUri,
                    CometWebSocketClient.Path("h" + user, user, uuid: CometWebSocketClient.NewUuid()), cluster.TrustCertificate);
                browsers.Add(browser);
                Assert.Equal("serverInfo", (await browser.ReceiveAsync(MessageTimeout)).GetProperty("event").GetString());
                await browser.SendAsync("subscription\nweb_compose");
            }
            // Round-robin put one browser on each gateway: every message below crosses containers.
            foreach (var gateway in ComposeCluster.Gateways)
            {
                await using var onNode = await cluster.OpenOnNodeAsync(gateway);
                var connections = (await onNode.RowsAsync("SHOW STATUS LIKE 'comet.websocket.connections'")).Single()[1];
                Assert.True(connections == "1", $"{gateway} holds {connections} WebSockets, not 1");
            }
            await Wait.UntilAsync(
                async () => (await backend.RowsAsync("SELECT * FROM users_in_pipes WHERE name = 'web_compose'")).Count == users.Length,
                "the three subscriptions to show in users_in_pipes", MessageTimeout);

            await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_compose', 'hello', 'to every container')");
            foreach (var browser in browsers)
            {
                Assert.Equal("to every container", (await browser.WaitForPipeAsync("web_compose", "hello", MessageTimeout)).GetProperty("data").GetString());
            }
            for (var i = 0; i < users.Length; i++)
            {
                await backend.ExecuteAsync($"INSERT INTO users_messages (id, event, message) VALUES ({users[i]}, 'direct', 'to {users[i]}')");
                Assert.Equal($"to {users[i]}", (await browsers[i].WaitForPipeAsync("msg", "direct", MessageTimeout)).GetProperty("data").GetString());
            }
        }
        finally
        {
            foreach (var browser in browsers)
            {
                await browser.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_proxy_header_from_a_peer_that_is_not_the_load_balancer_is_refused()
    {
        // Before the failed logins below: Docker hands a removed container's address to the next one.
        await using var intruder = await BackendContainer.StartAsync(cluster, "intruder");
        const string v1 = @"PROXY TCP4 203.0.113.9 10.0.0.1 4000 8087\r\n";
        const string v2 = @"\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c\xcb\x00\x71\x09\x0a\x00\x00\x01\x0f\xa0\x0c\xeb";
        var refusal = $"PROXY protocol header refused: {intruder.Address} is not a trusted proxy (Comet:ProxyProtocol:TrustedProxies).";

        foreach (var header in new[] { v1, v2 })
        {
            // The WebSocket port: 400 with the reason, and the connection closes.
            var http = await intruder.BashAsync(
                $"exec 3<>/dev/tcp/gateway1/8087; printf '{header}GET /info HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' >&3; timeout 10 cat <&3");
            if (!http.StartsWith("HTTP/1.1 400 Bad Request\r\n", StringComparison.Ordinal))
            {
                // Seen once in CI: an empty answer and a clean close. The logs say what the gateway saw.
                Assert.Fail($"gateway1 answered [{http}] to a PROXY header from {intruder.Address}, not 400:\n{await cluster.LogsAsync()}");
            }
            Assert.EndsWith("\r\n\r\n" + refusal + "\n", http, StringComparison.Ordinal);

            // The CometQL port: the greeting, then MySQL error 1130 with the reason, and the connection closes.
            var cometql = await intruder.BashAsync(
                $"exec 3<>/dev/tcp/gateway2/3307; printf '{header}' >&3; timeout 10 cat <&3 | od -An -c | tr -d ' \\n'");
            Assert.Contains(Regex.Replace("j004#HY000" + refusal, @"\s", ""), cometql, StringComparison.Ordinal);
        }
        // Without a header the same peer is served, under its own address (a backend may still connect directly).
        var direct = await intruder.MysqlAsync("gateway3", cluster.Password, "SHOW PROCESSLIST");
        Assert.Contains($"{intruder.Address}:", direct, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backend_blocked_for_bad_logins_does_not_block_another_backend_through_the_same_load_balancer()
    {
        await using var blocked = await BackendContainer.StartAsync(cluster, "backend-a");
        await using var other = await BackendContainer.StartAsync(cluster, "backend-b");

        // 20 failed logins per address block it on a gateway; round-robin spreads them over all three.
        var attempts = await blocked.BashAsync(
            $"for i in $(seq 70); do mysql -h loadbalancer -P 3307 -uroot -pwrong --skip-ssl -N -e 'SELECT 1' 2>&1; done");
        Assert.Contains("Authentication failure", attempts, StringComparison.Ordinal);
        for (var i = 0; i < 3; i++)
        {
            // Even the right key is refused now, and the gateway names the backend's own address, not HAProxy's.
            var refused = await blocked.MysqlAsync("loadbalancer", cluster.Password, "SHOW STATUS LIKE 'node'");
            Assert.Contains($"ERROR 1129 (HY000): Host '{blocked.Address}' is blocked", refused, StringComparison.Ordinal);
        }
        var nodes = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            var answer = await other.MysqlAsync("loadbalancer", cluster.Password, "SHOW STATUS LIKE 'node'");
            Assert.Matches(@"^node\s+gateway\d\s*$", answer);
            nodes.Add(answer.Split('\t')[1].Trim());
        }
        Assert.Equal(3, nodes.Count);
        Assert.NotEqual(cluster.LoadBalancerAddress, blocked.Address);
    }

    [Fact]
    public async Task Docker_kill_of_a_gateway_loses_no_acknowledged_personal_message_and_its_browsers_reconnect_to_the_others()
    {
        var users = Enumerable.Range(0, 6).Select(u => 9201L + u).ToList();
        await using (var setup = await CometQLBackend.OpenAsync(cluster.ConnectionString))
        {
            foreach (var user in users)
            {
                await setup.ExecuteAsync($"INSERT INTO users_auth (id, hash) VALUES ({user}, 'h{user}')");
            }
        }
        using var stop = new CancellationTokenSource();
        var browsers = users.Select(u => new ReconnectingBrowser(cluster.WssUri, u, "h" + u, "seq", cluster.TrustCertificate)).ToList();
        var running = browsers.Select(b => b.RunAsync(stop.Token)).ToList();
        foreach (var browser in browsers)
        {
            await browser.Connected.WaitAsync(TimeSpan.FromSeconds(60));
        }
        int onVictim;
        await using (var victimBackend = await cluster.OpenOnNodeAsync("gateway2"))
        {
            onVictim = int.Parse((await victimBackend.RowsAsync("SHOW STATUS LIKE 'comet.websocket.connections'")).Single()[1]!,
                System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.True(onVictim >= 1, "round-robin put no browser on gateway2");

        var sender = new PersonalMessageSender(cluster.ConnectionString, users, "seq");
        using var stopSending = new CancellationTokenSource();
        var sending = sender.RunAsync(stopSending.Token);
        await Task.Delay(2000);
        await DockerEngine.RunAsync("kill", await cluster.ContainerAsync("gateway2"));
        // HAProxy stops routing to it; the two others keep serving.
        await Wait.UntilAsync(async () => !(await cluster.NodesBehindHttpsAsync(6)).Contains("gateway2"),
            "HAProxy to stop routing to the killed gateway", TimeSpan.FromSeconds(30));
        await Task.Delay(5000);
        await stopSending.CancelAsync();
        var rounds = await sending;
        Assert.True(rounds > 5, $"only {rounds} rounds of messages were sent around the kill");

        // A dead node's queued messages go back to the offline queue once its lease expires (10 s).
        var deadline = DateTime.UtcNow.AddSeconds(90);
        foreach (var browser in browsers)
        {
            var expected = sender.SentTo(browser.UserId);
            var lost = await Wait.ReadUntilAsync(() => Task.FromResult(expected.Except(browser.Received).Order().ToList()), l => l.Count == 0, deadline - DateTime.UtcNow);
            Assert.True(lost.Count == 0,
                $"user {browser.UserId} never received {lost.Count} of {expected.Count} acknowledged messages: {string.Join(", ", lost.Take(20))}\n{await cluster.LogsAsync()}");
            Assert.True(browser.IsConnected, $"user {browser.UserId} is not connected at the end");
        }
        var reconnected = browsers.Count(b => b.Reconnects >= 1);
        output.WriteLine($"{sender.Sent.Count} messages acknowledged in {rounds} rounds; {onVictim} browsers were on gateway2, {reconnected} reconnected");
        Assert.True(reconnected >= onVictim, $"{onVictim} browsers were on the killed gateway but only {reconnected} reconnected");
        await stop.CancelAsync();
        await Task.WhenAll(running);
    }

    [Fact]
    public async Task Docker_compose_down_leaves_no_container_network_or_volume_behind()
    {
        var down = await cluster.TakeDownAsync();
        Assert.True(down.ExitCode == 0, "docker-compose down failed: " + down);
        var label = "label=com.docker.compose.project=" + cluster.Project;
        Assert.Equal("", (await DockerEngine.RunAsync("ps", "-a", "-q", "--filter", label)).Trim());
        Assert.Equal("", (await DockerEngine.RunAsync("network", "ls", "-q", "--filter", label)).Trim());
        Assert.Equal("", (await DockerEngine.RunAsync("volume", "ls", "-q", "--filter", label)).Trim());
        Assert.Equal("", (await DockerEngine.RunAsync("ps", "-a", "-q", "--filter", "name=" + cluster.Project)).Trim());
    }
}
