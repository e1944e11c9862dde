using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Comet.CometQL.Execution;
using Comet.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Benchmarks.Micro;

/// <summary>
/// What a measurement costs while SHOW STATUS listens to the gateway meter: the per-delivery
/// <c>comet.websocket.messages.out</c> counter and <c>comet.delivery.lag</c> histogram, a tagged
/// counter (<c>comet.cometql.queries</c>), on one thread and on every core at once.
/// </summary>
[MemoryDiagnoser]
public class MeterStatusBenchmarks : IDisposable
{
    private const int Deliveries = 10_000;
    private static readonly KeyValuePair<string, object?> Table = new("table", "pipes_messages");
    private static readonly KeyValuePair<string, object?> Operation = new("operation", "insert");

    private readonly ServiceProvider _services;
    private readonly MeterStatus _status;
    private readonly Counter<long> _counter;
    private readonly Counter<long> _tagged;
    private readonly Histogram<double> _histogram;

    public MeterStatusBenchmarks()
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = _services.GetRequiredService<IMeterFactory>();
        _status = new MeterStatus(factory);
        var meter = factory.Create(CometMetrics.MeterName);
        _counter = meter.CreateCounter<long>("bench.messages.out");
        _tagged = meter.CreateCounter<long>("bench.queries");
        _histogram = meter.CreateHistogram<double>("bench.delivery.lag");
    }

    [Benchmark(Baseline = true)]
    public void Counter() => _counter.Add(1);

    [Benchmark]
    public void TaggedCounter() => _tagged.Add(1, Table, Operation);

    [Benchmark]
    public void Histogram() => _histogram.Record(0.000_25);

    /// <summary>Counter and histogram per delivery from every core at once (cost per delivery).</summary>
    [Benchmark(OperationsPerInvoke = Deliveries)]
    public void DeliveryOnEveryCore() => Parallel.For(0, Environment.ProcessorCount, _ =>
    {
        for (var i = 0; i < Deliveries / Environment.ProcessorCount; i++)
        {
            _counter.Add(1);
            _histogram.Record(0.000_25);
        }
    });

    [GlobalCleanup]
    public void Dispose()
    {
        _status.Dispose();
        _services.Dispose();
        GC.SuppressFinalize(this);
    }
}
