using System.Text.Json;
using Comet.Testing.Clients;

namespace Comet.Cluster.Tests;

/// <summary>The local cluster (scripts/cluster.sh) as a client sees it: everything through HAProxy.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ThroughHAProxyTests(LocalCluster cluster)
{
    // Generous: the build machines are shared and heavily loaded.
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Health_endpoints_answer_over_https_and_requests_spread_over_every_node()
    {
        using var http = cluster.CreateHttpClient();
        Assert.Equal("ready", await http.GetStringAsync(new Uri(cluster.HttpsUri, "/health/ready")));
        Assert.Equal("ok", await http.GetStringAsync(new Uri(cluster.HttpsUri, "/health/live")));

        var nodes = new HashSet<string>();
        for (var i = 0; i < 30 && nodes.Count < LocalCluster.Nodes; i++)
        {
            using var info = JsonDocument.Parse(await http.GetStringAsync(new Uri(cluster.HttpsUri, "/info")));
            Assert.Equal("ok", info.RootElement.GetProperty("status").GetString());
            nodes.Add(info.RootElement.GetProperty("node").GetString()!);
        }
        Assert.Equal(["node1_____", "node2_____", "node3_____"], nodes.Order());
    }

    [Fact]
    public async Task A_plain_http_request_to_the_tls_port_is_refused()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://127.0.0.1:{cluster.WssPort}/info")));
    }

    [Fact]
    public async Task A_browser_on_wss_gets_pipe_and_personal_messages_a_backend_sends_over_cometql()
    {
        await using var backend = await CometQLBackend.OpenAsync(cluster.ConnectionString);
        // CometQL reaches every node through HAProxy's TCP pass-through (one login per connection).
        var nodes = new HashSet<string?>();
        for (var i = 0; i < 30 && nodes.Count < LocalCluster.Nodes; i++)
        {
            await using var other = await CometQLBackend.OpenAsync(cluster.ConnectionString);
            nodes.Add((await other.RowsAsync("SHOW STATUS")).Single(r => r[0] == "node")[1]);
        }
        Assert.Equal(LocalCluster.Nodes, nodes.Count);

        await backend.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (7001, 'h7001')");
        var client = await CometWebSocketClient.ConnectAsync(cluster.WssUri,
            CometWebSocketClient.Path("h7001", 7001, uuid: CometWebSocketClient.NewUuid()), cluster.TrustCertificate);
        await using var _ = client;
        Assert.Equal("serverInfo", (await client.ReceiveAsync(MessageTimeout)).GetProperty("event").GetString());
        await client.SendAsync("subscription\nweb_through_haproxy");
        await Eventually(async () => (await backend.RowsAsync("SELECT * FROM users_in_pipes WHERE name = 'web_through_haproxy'")).Count == 1);

        await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_through_haproxy', 'hello', 'to the pipe')");
        Assert.Equal("to the pipe", (await client.WaitForPipeAsync("web_through_haproxy", "hello", MessageTimeout)).GetProperty("data").GetString());
        await backend.ExecuteAsync("INSERT INTO users_messages (id, event, message) VALUES (7001, 'direct', 'to the user')");
        Assert.Equal("to the user", (await client.WaitForPipeAsync("msg", "direct", MessageTimeout)).GetProperty("data").GetString());
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(100);
        }
    }
}
