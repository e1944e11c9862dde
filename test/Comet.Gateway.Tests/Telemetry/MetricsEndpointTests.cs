using System.Net;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Gateway.Tests.Telemetry;

/// <summary>
/// Prometheus scrapes <c>/metrics</c> on the management port: the gateway's own metrics after real
/// traffic and the runtime's (GC, thread pool); the public WebSocket port does not serve it.
/// </summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task The_management_port_serves_the_gateways_and_the_runtimes_metrics_and_the_public_port_does_not()
    {
        await using var node = await GatewayProcess.StartAsync("metrics-node");
        await using var backend = await CometQLBackend.OpenAsync(node);
        await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_metrics', 'e', 'hello')");

        var scrape = await PrometheusScrape.GetAsync(new Uri(node.ManagementUri, "/metrics"));

        Assert.Equal(1, scrape.Value("comet_cometql_connections"));
        Assert.Equal(1, scrape.Value("comet_pipe_messages_total"));
        Assert.Contains("pipes_messages", scrape.Text);
        Assert.Equal(1, scrape.Value("comet_storage_available"));
        Assert.True(scrape.Has("dotnet_gc_collections_total") || scrape.Has("dotnet_gc_heap_total_allocated_bytes_total"), scrape.Text);
        Assert.True(scrape.Has("dotnet_thread_pool_thread_count"), scrape.Text);
        Assert.True(scrape.Has("dotnet_thread_pool_queue_length"), scrape.Text);
        Assert.True(scrape.Has("kestrel_active_connections"), scrape.Text);
        Assert.Contains("service_instance_id=\"metrics-node\"", scrape.Text);

        using var http = new HttpClient();
        using var publicPort = await http.GetAsync(new Uri(node.HttpUri, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, publicPort.StatusCode);
    }

    [Fact]
    public async Task Latency_histograms_resolve_milliseconds()
    {
        await using var node = await GatewayProcess.StartAsync("metrics-lag");
        await using var reader = await CometWebSocketClient.ConnectAsync(node);
        await reader.SendAsync("subscription\nweb_lag");
        await using var backend = await CometQLBackend.OpenAsync(node);
        await Wait.UntilAsync(() => CometQLBackend.RowsAsync(node, "SELECT * FROM pipes WHERE name IN ('web_lag')"),
            rows => rows.Count == 1 && rows[0][1] == "1", "the subscription to count");
        await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_lag', 'e', 'hello')");
        await reader.WaitForAsync(m => CometWebSocketClient.IsPipe(m, "web_lag"));

        var scrape = await Wait.UntilAsync(() => PrometheusScrape.GetAsync(new Uri(node.ManagementUri, "/metrics")),
            s => s.Value("comet_delivery_lag_seconds_count") >= 1, "the delivery to be recorded");

        // Seconds, bucketed from half a millisecond up: the exporter's default boundaries (5, 10, 25 …)
        // would put every delivery in the first bucket.
        Assert.Contains("comet_delivery_lag_seconds_bucket{", scrape.Text);
        foreach (var boundary in new[] { "0.0005", "0.001", "0.005", "0.1", "1", "10" })
        {
            Assert.Contains($"le=\"{boundary}\"", scrape.Text);
        }
        Assert.DoesNotContain("le=\"25\"", scrape.Text);
    }

    [Fact]
    public async Task The_management_port_listens_on_loopback_unless_configured_and_can_be_turned_off()
    {
        await using var node = await GatewayProcess.StartAsync("mgmt-default", new Dictionary<string, string>
        {
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        });
        await node.WaitForOutputAsync($"Now listening on: http://127.0.0.1:{node.ManagementPort}", TimeSpan.FromSeconds(30));

        await using var off = await GatewayProcess.StartAsync("mgmt-off", new Dictionary<string, string> { ["Comet:Management:Enabled"] = "false" });
        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(off.ManagementUri, "/metrics")));
    }
}
