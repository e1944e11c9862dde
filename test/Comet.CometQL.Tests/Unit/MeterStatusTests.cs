using System.Diagnostics.Metrics;
using Comet.CometQL.Execution;
using Comet.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.CometQL.Tests.Unit;

/// <summary>SHOW STATUS's totals under measurements recorded from many threads at once (recording takes no lock).</summary>
public sealed class MeterStatusTests : IDisposable
{
    private const int Threads = 8;
    private const int PerThread = 20_000;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterStatus _status;
    private readonly Meter _meter;

    public MeterStatusTests()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        _status = new MeterStatus(factory);
        _meter = factory.Create(CometMetrics.MeterName);
    }

    [Fact]
    public void Counters_and_histograms_recorded_from_many_threads_at_once_lose_nothing()
    {
        var counter = _meter.CreateCounter<long>("test.concurrent.counter");
        var histogram = _meter.CreateHistogram<double>("test.concurrent.lag");
        var tagged = _meter.CreateCounter<int>("test.concurrent.tagged");

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            var table = new KeyValuePair<string, object?>("table", thread % 2 == 0 ? "pipes_messages" : "users_messages");
            for (var i = 0; i < PerThread; i++)
            {
                counter.Add(3);
                histogram.Record(0.25);
                tagged.Add(1, table, new KeyValuePair<string, object?>("operation", "insert"));
            }
        });

        var rows = _status.Snapshot().ToDictionary(r => r.Name, r => r.Value);
        Assert.Equal((3L * Threads * PerThread).ToString(System.Globalization.CultureInfo.InvariantCulture), rows["test.concurrent.counter"]);
        Assert.Equal((Threads * PerThread).ToString(System.Globalization.CultureInfo.InvariantCulture), rows["test.concurrent.lag.count"]);
        Assert.Equal((0.25 * Threads * PerThread).ToString(System.Globalization.CultureInfo.InvariantCulture), rows["test.concurrent.lag.sum"]);
        var half = (Threads / 2 * PerThread).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(half, rows["test.concurrent.tagged{table=pipes_messages,operation=insert}"]);
        Assert.Equal(half, rows["test.concurrent.tagged{table=users_messages,operation=insert}"]);
    }

    [Fact]
    public void Tag_sets_added_from_many_threads_at_once_stop_at_the_maximum_series()
    {
        var counter = _meter.CreateCounter<long>("test.concurrent.codes");
        var histogram = _meter.CreateHistogram<double>("test.concurrent.latency");

        // Every thread records the same 500 codes: each series is raced for, and only 200 may exist.
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            for (var code = 0; code < 500; code++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("code", code));
                histogram.Record(1, new KeyValuePair<string, object?>("code", code));
            }
        });

        var rows = _status.Snapshot();
        Assert.Equal(MeterStatus.MaxSeriesPerInstrument, rows.Count(r => r.Name.StartsWith("test.concurrent.codes{", StringComparison.Ordinal)));
        Assert.Equal(MeterStatus.MaxSeriesPerInstrument, rows.Count(r => r.Name.StartsWith("test.concurrent.latency.count{", StringComparison.Ordinal)));
        // The totals count every measurement, in a series or not.
        Assert.Equal((Threads * 500).ToString(System.Globalization.CultureInfo.InvariantCulture), rows.Single(r => r.Name == "test.concurrent.codes").Value);
        Assert.Equal((Threads * 500).ToString(System.Globalization.CultureInfo.InvariantCulture), rows.Single(r => r.Name == "test.concurrent.latency.count").Value);
    }

    public void Dispose()
    {
        _status.Dispose();
        _services.Dispose();
    }
}
