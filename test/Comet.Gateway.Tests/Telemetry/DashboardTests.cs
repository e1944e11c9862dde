using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Gateway.Tests.Telemetry;

/// <summary>
/// The Grafana dashboard in compose/grafana/dashboards names only metrics and labels that a gateway
/// really exports: its every query is checked against a live <c>/metrics</c> of a gateway on Redis after
/// traffic that touches every panel (connections, subscriptions, messages in and out, a refused
/// upgrade, a slow consumer, statements, an error, Redis operations).
/// </summary>
public sealed partial class DashboardTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Labels Prometheus adds at scrape time (<c>instance</c>) or that every histogram has (<c>le</c>).</summary>
    private static readonly string[] ScrapeLabels = ["instance", "le"];

    [Fact]
    public async Task Every_query_of_the_dashboard_names_a_metric_and_labels_of_a_live_gateway()
    {
        var queries = DashboardQueries();
        Assert.True(queries.Count >= 15, $"the dashboard has {queries.Count} queries");

        var scrape = await ScrapeAfterTrafficAsync();

        foreach (var query in queries)
        {
            var metrics = MetricSelector().Matches(query).Select(m => m.Groups[1].Value).ToList();
            Assert.True(metrics.Count > 0, $"no metric selector (name{{...}}) in: {query}");
            foreach (var metric in metrics)
            {
                Assert.True(scrape.Has(metric), $"'{metric}' of the query {query} is not in /metrics.\nExported: {string.Join(", ", scrape.Names.Order())}");
            }
            foreach (var label in GroupingLabels(query).Except(ScrapeLabels))
            {
                Assert.True(metrics.Any(m => scrape.LabelsOf(m).Contains(label)),
                    $"no series of {string.Join(", ", metrics)} has the label '{label}' that {query} groups by");
            }
        }
    }

    private static async Task<PrometheusScrape> ScrapeAfterTrafficAsync()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var node = await GatewayProcess.StartAsync("dash-node", new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = redis.Configuration,
            ["Comet:WebSocket:OutboundQueueLength"] = "16",
            ["Comet:WebSocket:MaxConnections"] = "2",
        });
        await using var backend = await CometQLBackend.OpenAsync(node);
        await backend.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (42, 'h42')");

        // Connections, a subscription, messages in and out, delivery lag.
        await using var client = await CometWebSocketClient.ConnectAsync(node.WebSocketUri,
            CometWebSocketClient.Path("h42", 42, uuid: CometWebSocketClient.NewUuid()));
        await client.ReceiveAsync(Timeout);
        await client.SendAsync("subscription\nweb_dash");
        await Wait.UntilAsync(async () => (await backend.RowsAsync("SELECT * FROM users_in_pipes WHERE name = 'web_dash'")).Count == 1, "the subscription");
        await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_dash', 'e', 'hello')");
        await client.WaitForPipeAsync("web_dash", "e", Timeout);
        await backend.ExecuteAsync("INSERT INTO users_messages (id, event, message) VALUES (42, 'p', 'personal')");
        await client.WaitForPipeAsync("msg", "p", Timeout);

        // An error answered.
        await backend.ErrorAsync("SELECT * FROM no_such_table WHERE id = 1");

        // A slow consumer: subscribed, never reads, and its queue of 16 overflows.
        using var stalled = await RawWebSocket.ConnectAsync(node.HttpPort, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()), receiveBufferSize: 4096);
        Assert.Equal(101, stalled.Status);
        await stalled.SendTextAsync("subscription\nweb_dash");
        await Wait.UntilAsync(async () => (await backend.RowsAsync("SELECT * FROM users_in_pipes WHERE name = 'web_dash'")).Count == 2, "the stalled subscription");

        // A refused upgrade: the node admits 2.
        using var third = await RawWebSocket.ConnectAsync(node.HttpPort, CometWebSocketClient.Path(uuid: CometWebSocketClient.NewUuid()));
        Assert.Equal(503, third.Status);

        var payload = new string('x', 8000); // under Comet:CometQL:MaxQueryLength (9,000)
        var metricsUri = new Uri(node.ManagementUri, "/metrics");
        await Wait.UntilAsync(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await backend.ExecuteAsync($"INSERT INTO pipes_messages (name, event, message) VALUES ('web_dash', 'big', '{payload}')");
            }
            return (await PrometheusScrape.GetAsync(metricsUri)).Has("comet_websocket_slow_consumers_total");
        }, "a slow consumer counted");

        return await PrometheusScrape.GetAsync(metricsUri);
    }

    private static List<string> DashboardQueries()
    {
        var path = Path.Combine(RepositoryRoot.Path, "compose", "grafana", "dashboards", "comet-gateway.json");
        var dashboard = JsonNode.Parse(File.ReadAllText(path))!;
        var queries = dashboard["panels"]!.AsArray()
            .SelectMany(panel => panel!["targets"]?.AsArray() ?? [])
            .Select(target => target!["expr"]!.GetValue<string>())
            .ToList();
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray())
        {
            if (variable!["query"] is JsonObject definition && definition["query"]?.GetValue<string>() is { } query
                && query.StartsWith("label_values(", StringComparison.Ordinal))
            {
                // label_values(metric, label) names a metric without a selector.
                queries.Add(query["label_values(".Length..query.IndexOf(',', StringComparison.Ordinal)] + "{}");
            }
        }
        return queries;
    }

    private static IEnumerable<string> GroupingLabels(string query) =>
        GroupBy().Matches(query).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex MetricSelector();

    [GeneratedRegex(@"\bby \(([^)]*)\)")]
    private static partial Regex GroupBy();
}
