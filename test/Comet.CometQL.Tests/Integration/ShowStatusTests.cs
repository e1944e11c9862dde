using System.Diagnostics.Metrics;
using System.Globalization;
using Comet.Core.Diagnostics;
using Comet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.CometQL.Tests.Integration;

/// <summary>
/// SHOW STATUS shows every instrument of the gateway meter (the OpenTelemetry metrics): one added
/// anywhere appears without being listed, counters summed, gauges current, histograms count/sum.
/// </summary>
public sealed class ShowStatusTests
{
    [Fact]
    public async Task Every_instrument_of_the_gateway_meter_appears_in_SHOW_STATUS()
    {
        await using var gateway = await TestGateway.StartAsync();
        var meter = gateway.Services.GetRequiredService<IMeterFactory>().Create(CometMetrics.MeterName);
        var counter = meter.CreateCounter<long>("test.added.counter");
        var histogram = meter.CreateHistogram<double>("test.added.latency");
        var gauge = 7;
        meter.CreateObservableGauge("test.added.gauge", () => Volatile.Read(ref gauge));
        counter.Add(5);
        counter.Add(2, new KeyValuePair<string, object?>("table", "pipes_messages"));
        histogram.Record(1.5);
        histogram.Record(2.5);

        await using var client = await CometQLBackend.OpenAsync(gateway, "1301");
        var rows = await Status(client, "SHOW GLOBAL STATUS LIKE 'test.added.%'");
        Assert.Equal("7", rows["test.added.counter"]);
        Assert.Equal("2", rows["test.added.counter{table=pipes_messages}"]);
        Assert.Equal("2", rows["test.added.latency.count"]);
        Assert.Equal("4", rows["test.added.latency.sum"]);
        Assert.Equal("7", rows["test.added.gauge"]);
        Volatile.Write(ref gauge, 9);
        Assert.Equal("9", (await Status(client, "SHOW SESSION STATUS LIKE 'test.added.gauge'"))["test.added.gauge"]);
    }

    [Fact]
    public async Task The_standard_rows_and_the_gateway_counters_match_the_metrics()
    {
        await using var gateway = await TestGateway.StartAsync();
        var metrics = gateway.Services.GetRequiredService<CometMetrics>();
        await using var client = await CometQLBackend.OpenAsync(gateway, "1302");
        await using var second = await CometQLBackend.OpenAsync(gateway, "1302");
        await client.ExecuteAsync("INSERT INTO pipes_messages (name, event, message) VALUES ('web_status', 'e', 'm')");
        var rows = await Status(client, "SHOW STATUS");
        Assert.Equal("2", rows["Threads_connected"]);
        Assert.True(long.Parse(rows["Uptime"], CultureInfo.InvariantCulture) >= 0);
        Assert.Equal("2", rows["comet.cometql.connections"]);
        Assert.Equal(metrics.PipeMessages.ToString(CultureInfo.InvariantCulture), rows["comet.pipe.messages"]);
        Assert.Equal("1", rows["comet.pipe.messages"]);
        Assert.True(long.Parse(rows["comet.cometql.queries"], CultureInfo.InvariantCulture) >= 1);
        var uptime = Assert.Single(await client.RowsAsync("SHOW STATUS LIKE 'Uptime'"));
        Assert.Equal("Uptime", uptime[0]);
        // A second may have passed between the two statements.
        Assert.True(long.Parse(uptime[1]!, CultureInfo.InvariantCulture) >= long.Parse(rows["Uptime"], CultureInfo.InvariantCulture));
    }

    private static async Task<Dictionary<string, string>> Status(CometQLBackend client, string sql) =>
        (await client.RowsAsync(sql)).ToDictionary(r => r[0]!, r => r[1]!);
}
