using Comet.Testing;
using Comet.Testing.Clients;

namespace Comet.Cluster.Tests;

/// <summary>
/// A gateway process configured only by the standard OTEL_* variables exports its metrics and traces
/// over OTLP/HTTP to a receiver the test hosts, after real CometQL and WebSocket traffic on Redis.
/// </summary>
public sealed class TelemetryExportTests
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(60);
    // Generous: the build machines are shared and heavily loaded.
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Metrics_and_traces_of_real_traffic_are_exported_over_otlp()
    {
        using var receiver = new OtlpReceiver();
        await using var redis = await RedisServer.StartAsync();
        await using var node = await GatewayProcess.StartAsync("otel1", new Dictionary<string, string>
        {
            ["Comet:Redis:Configuration"] = redis.Configuration,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_SERVICE_NAME"] = "comet-telemetry-test",
        });

        // WebSocket traffic: a user subscribed to a pipe receives a pipe message and a personal one.
        await using var backend = await CometQLBackend.OpenAsync(node);
        await backend.ExecuteAsync("INSERT INTO users_auth (id, hash) VALUES (42, 'h42')");
        await using var client = await CometWebSocketClient.ConnectAsync(node.WebSocketUri,
            CometWebSocketClient.Path("h42", 42, uuid: CometWebSocketClient.NewUuid()));
        Assert.Equal("serverInfo", (await client.ReceiveAsync(MessageTimeout)).GetProperty("event").GetString());
        await client.SendAsync("subscription\nweb_otel");
        await WaitUntilSubscribedAsync(backend, "web_otel");
        await backend.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_otel', 'e', 'hello')");
        await client.WaitForPipeAsync("web_otel", "e", MessageTimeout);
        await backend.ExecuteAsync("INSERT INTO users_messages (id, event, message) VALUES (42, 'p', 'personal')");
        await client.WaitForPipeAsync("msg", "p", MessageTimeout);
        // An error the backend gets back (unknown table) is counted too.
        var (code, _) = await backend.ErrorAsync("SELECT * FROM no_such_table WHERE id = 1");
        Assert.NotEqual(0, code);

        await receiver.WaitForAsync("/v1/metrics",
        [
            "comet-telemetry-test", "otel1",
            "comet.websocket.connections", "comet.cometql.connections", "comet.websocket.subscriptions",
            "comet.pipe.messages", "comet.personal.messages", "comet.websocket.messages.out", "comet.deliveries",
            "comet.websocket.send_queue_depth",
            "comet.cometql.queries", "pipes_messages", "users_messages", "insert",
            "comet.errors", "comet.redis.duration", "comet.delivery.lag",
        ], ExportTimeout);

        await receiver.WaitForAsync("/v1/traces",
        [
            "cometql insert pipes_messages", "cometql insert users_messages", "comet.engine", "db.collection.name",
            "redis", "db.system", "comet-telemetry-test",
        ], ExportTimeout);
        Assert.False(node.HasExited, node.Output);
    }

    /// <summary>The subscription is registered in presence before the publish (users_in_pipes shows it).</summary>
    private static Task WaitUntilSubscribedAsync(CometQLBackend backend, string pipe) =>
        Wait.UntilAsync(async () => (await backend.RowsAsync($"SELECT * FROM users_in_pipes WHERE name = '{pipe}'")).Count > 0,
            $"the subscription to {pipe} to show in users_in_pipes");
}
