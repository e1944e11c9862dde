using System.Collections.Concurrent;
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
/// Recording takes no lock: some instruments are recorded once per delivered message.
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
                Cell cell = instrument.IsObservable ? new ObservedCell(instrument) : new RecordedCell(instrument);
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

    /// <summary>One or two tags of a measurement: the key of its series row.</summary>
    private readonly record struct SeriesKey(string Key1, object? Value1, string? Key2, object? Value2)
    {
        public static bool TryCreate(ReadOnlySpan<KeyValuePair<string, object?>> tags, out SeriesKey key)
        {
            key = tags.Length switch
            {
                1 => new SeriesKey(tags[0].Key, tags[0].Value, null, null),
                2 => new SeriesKey(tags[0].Key, tags[0].Value, tags[1].Key, tags[1].Value),
                _ => default,
            };
            return tags.Length is 1 or 2;
        }

        public string RowName(string instrument, string suffix) => Key2 is null
            ? string.Create(CultureInfo.InvariantCulture, $"{instrument}{suffix}{{{Key1}={Value1}}}")
            : string.Create(CultureInfo.InvariantCulture, $"{instrument}{suffix}{{{Key1}={Value1},{Key2}={Value2}}}");
    }

    private abstract class Cell(Instrument instrument)
    {
        protected Instrument Instrument { get; } = instrument;

        public virtual void BeginObservation()
        {
        }

        public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

        public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

        public abstract void AddRows(List<(string, string)> rows);
    }

    /// <summary>
    /// A counter, up-down counter or histogram: recorded on hot paths (once per delivered message),
    /// so lock-free: striped totals, and a concurrent map of series that only locks to add one.
    /// </summary>
    private sealed class RecordedCell(Instrument instrument) : Cell(instrument)
    {
        private readonly bool _histogram = instrument.GetType().IsGenericType
            && instrument.GetType().GetGenericTypeDefinition() == typeof(Histogram<>);
        private readonly StripedTotal _total = new();
        private readonly ConcurrentDictionary<SeriesKey, StripedTotal> _series = new();
        private int _seriesCount;

        public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (_histogram)
            {
                _total.Increment();
            }
            _total.Add(value);
            if (SeriesKey.TryCreate(tags, out var key))
            {
                Add(Series(key), value);
            }
        }

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (_histogram)
            {
                _total.Increment();
            }
            _total.Add(value);
            if (SeriesKey.TryCreate(tags, out var key))
            {
                Add(Series(key), value);
            }
        }

        // A histogram's series show how many measurements had those tags; a counter's, their sum.
        private void Add(StripedTotal? series, long value)
        {
            if (_histogram)
            {
                series?.Increment();
            }
            else
            {
                series?.Add(value);
            }
        }

        private void Add(StripedTotal? series, double value)
        {
            if (_histogram)
            {
                series?.Increment();
            }
            else
            {
                series?.Add(value);
            }
        }

        public override void AddRows(List<(string, string)> rows)
        {
            var (count, sum) = _total.Read();
            if (_histogram)
            {
                rows.Add((Instrument.Name + ".count", Text(count)));
                rows.Add((Instrument.Name + ".sum", Text(sum)));
            }
            else
            {
                rows.Add((Instrument.Name, Text(sum)));
            }
            foreach (var (key, total) in _series)
            {
                var (seriesCount, seriesSum) = total.Read();
                rows.Add((key.RowName(Instrument.Name, _histogram ? ".count" : ""), Text(_histogram ? seriesCount : seriesSum)));
            }
        }

        /// <summary>The series of these tags, added if there is room; null when the instrument has its maximum.</summary>
        private StripedTotal? Series(SeriesKey key)
        {
            if (_series.TryGetValue(key, out var total))
            {
                return total;
            }
            // Reserve a place first, so racing adds cannot pass the maximum.
            if (Interlocked.Increment(ref _seriesCount) > MaxSeriesPerInstrument)
            {
                Interlocked.Decrement(ref _seriesCount);
                return _series.GetValueOrDefault(key);
            }
            var added = new StripedTotal();
            if (_series.TryAdd(key, added))
            {
                return added;
            }
            Interlocked.Decrement(ref _seriesCount);
            return _series[key];
        }
    }

    /// <summary>
    /// An observable instrument: read only while <see cref="Snapshot"/> holds its lock (its callbacks
    /// report on that thread), so a plain lock costs nothing here. An observation is a current total;
    /// one pass reports each tag set once, so they add up.
    /// </summary>
    private sealed class ObservedCell(Instrument instrument) : Cell(instrument)
    {
        private readonly Dictionary<SeriesKey, double> _series = [];
        private readonly Lock _lock = new();
        private double _total;

        public override void BeginObservation()
        {
            lock (_lock)
            {
                _total = 0;
            }
        }

        public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((double)value, tags);

        public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (_lock)
            {
                _total += value;
                if (SeriesKey.TryCreate(tags, out var key) && (_series.ContainsKey(key) || _series.Count < MaxSeriesPerInstrument))
                {
                    _series[key] = value;
                }
            }
        }

        public override void AddRows(List<(string, string)> rows)
        {
            lock (_lock)
            {
                rows.Add((Instrument.Name, Text(_total)));
                foreach (var (key, value) in _series)
                {
                    rows.Add((key.RowName(Instrument.Name, ""), Text(value)));
                }
            }
        }
    }
}
