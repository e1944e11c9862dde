using System.Diagnostics.Metrics;
using System.Globalization;
using Comet.Core.Diagnostics;

namespace Comet.CometQL.Execution;

/// <summary>
/// The gateway meter's current values for <c>SHOW STATUS</c>: a <see cref="MeterListener"/> on this
/// host's meter <see cref="CometMetrics.MeterName"/>, so every instrument any part of the gateway adds
/// shows up without being listed here. Counters and up-down counters are summed since start,
/// observable instruments are read when asked (gauges: the current value), histograms give
/// <c>name.count</c> and <c>name.sum</c>. Measurements with one or two tags also count in rows
/// <c>name{key=value,…}</c>, at most <see cref="MaxSeriesPerInstrument"/> per instrument.
/// </summary>
internal sealed class MeterStatus : IDisposable
{
    public const int MaxSeriesPerInstrument = 200;

    private readonly IMeterFactory _meterFactory;
    private readonly MeterListener _listener = new();
    private readonly List<Cell> _cells = [];
    private readonly Lock _snapshotLock = new();

    public MeterStatus(IMeterFactory meterFactory)
    {
        _meterFactory = meterFactory;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Several gateways may share a process (tests): only this host's meter counts.
            if (instrument.Meter.Name == CometMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _meterFactory))
            {
                var cell = new Cell(instrument);
                lock (_cells)
                {
                    _cells.Add(cell);
                }
                listener.EnableMeasurementEvents(instrument, cell);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, v, tags, state) => ((Cell)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<int>((_, v, tags, state) => ((Cell)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<double>((_, v, tags, state) => ((Cell)state!).Record(v, tags));
        _listener.SetMeasurementEventCallback<float>((_, v, tags, state) => ((Cell)state!).Record(v, tags));
        _listener.Start();
    }

    /// <summary>Every row, sorted by name (observable instruments are read now).</summary>
    public List<(string Name, string Value)> Snapshot()
    {
        lock (_snapshotLock)
        {
            Cell[] cells;
            lock (_cells)
            {
                cells = [.. _cells];
            }
            foreach (var cell in cells)
            {
                cell.BeginObservation();
            }
            // Observable callbacks report through Cell.Record on this thread.
            _listener.RecordObservableInstruments();
            var rows = new List<(string, string)>(cells.Length * 2);
            foreach (var cell in cells)
            {
                cell.AddRows(rows);
            }
            rows.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
            return rows;
        }
    }

    public void Dispose() => _listener.Dispose();

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One instrument's totals (and its tagged series); its own lock keeps hot paths apart.</summary>
    private sealed class Cell(Instrument instrument)
    {
        private readonly bool _histogram = instrument.GetType().IsGenericType
            && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);
        private readonly bool _observable = instrument.IsObservable;
        private readonly Dictionary<(string, object?, string?, object?), double> _series = [];
        private readonly Lock _lock = new();
        private double _total;
        private long _count;

        public void BeginObservation()
        {
            if (_observable)
            {
                lock (_lock)
                {
                    _total = 0;
                }
            }
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_lock)
            {
                // An observation is a current total; one pass reports each tag set once, so they add up.
                _total += value;
                _count++;
                if (tags.Length is 1 or 2)
                {
                    var key = (tags[0].Key, tags[0].Value, tags.Length == 2 ? tags[1].Key : null, tags.Length == 2 ? tags[1].Value : null);
                    if (_series.TryGetValue(key, out var current))
                    {
                        _series[key] = _observable || _histogram ? (_observable ? value : current + 1) : current + value;
                    }
                    else if (_series.Count < MaxSeriesPerInstrument)
                    {
                        _series[key] = _histogram ? 1 : value;
                    }
                }
            }
        }

        public void AddRows(List<(string, string)> rows)
        {
            lock (_lock)
            {
                if (_histogram)
                {
                    rows.Add((instrument.Name + ".count", Text(_count)));
                    rows.Add((instrument.Name + ".sum", Text(_total)));
                }
                else
                {
                    rows.Add((instrument.Name, Text(_total)));
                }
                foreach (var ((k1, v1, k2, v2), value) in _series)
                {
                    var tags = k2 is null ? $"{k1}={v1}" : $"{k1}={v1},{k2}={v2}";
                    rows.Add((string.Create(CultureInfo.InvariantCulture, $"{instrument.Name}{(_histogram ? ".count" : "")}{{{tags}}}"), Text(value)));
                }
            }
        }
    }
}
