using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Comet.Core.Diagnostics;
using Comet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.WebSockets.Tests.Support;

/// <summary>
/// The sums of the counters one gateway node publishes on meter <c>Comet.Gateway</c>, as a metrics
/// exporter would see them. Only that node's meter (its own IMeterFactory) is listened to, so other
/// gateways running in the test process are not counted.
/// </summary>
public sealed class NodeCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    public NodeCounters(TestGateway node)
    {
        var factory = node.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CometMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += $"{{{tag.Key}={tag.Value}}}";
            }
            _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>The sum of a counter, e.g. <c>comet.websocket.refused{reason=node_full}</c>.</summary>
    public long this[string name] => _sums.GetValueOrDefault(name);

    public void Dispose() => _listener.Dispose();
}
