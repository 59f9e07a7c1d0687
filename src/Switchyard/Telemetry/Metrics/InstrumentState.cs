using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Switchyard.Telemetry.Metrics;

internal enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>The series of one instrument, found by their labels without a lock or an allocation once they exist.</summary>
internal sealed class InstrumentState
{
    private static readonly double[] DefaultBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private readonly ConcurrentDictionary<LabelSet, MetricSeries> _series = new(LabelSetComparer.Instance);
    private readonly ConcurrentDictionary<LabelSet, MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;

    // The same series again, keyed by the string instances each was created from: most measurements find theirs here
    // without hashing text. Holds no more entries than _series.
    private readonly ConcurrentDictionary<LabelSet, MetricSeries> _byIdentity = new(LabelSetIdentityComparer.Instance);
    private readonly ConcurrentDictionary<LabelSet, MetricSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _identityLookup;

    public InstrumentState(Instrument instrument)
    {
        Instrument = instrument;
        _lookup = _series.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        _identityLookup = _byIdentity.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        var type = instrument.GetType();
        var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        (Kind, Cumulative) = generic switch
        {
            _ when generic == typeof(Counter<>) => (MetricKind.Counter, false),
            _ when generic == typeof(ObservableCounter<>) => (MetricKind.Counter, true),
            _ when generic == typeof(Histogram<>) => (MetricKind.Histogram, false),
            _ when generic == typeof(UpDownCounter<>) => (MetricKind.Gauge, false),
            _ => (MetricKind.Gauge, true),
        };
        Observable = instrument.IsObservable;
        UpDown = generic == typeof(UpDownCounter<>) || generic == typeof(ObservableUpDownCounter<>);
        var value = type.IsGenericType ? type.GetGenericArguments()[0] : null;
        Integer = value == typeof(long) || value == typeof(int) || value == typeof(short) || value == typeof(byte);
        Bounds = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
            _ => null,
        } ?? DefaultBounds;
    }

    public Instrument Instrument { get; }
    public MetricKind Kind { get; }
    public bool Observable { get; }

    /// <summary>An up-down counter (observable or not): a sum that may fall, not a gauge, for OTLP.</summary>
    public bool UpDown { get; }

    /// <summary>Measures whole numbers (OTLP sends those as integers).</summary>
    public bool Integer { get; }
    public double[] Bounds { get; }

    /// <summary>Observable counters and gauges report whole values; the others add up measurements.</summary>
    private bool Cumulative { get; }

    public ICollection<MetricSeries> Series => _series.Values;

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!_identityLookup.TryGetValue(tags, out var series) && !_lookup.TryGetValue(tags, out series))
        {
            // First measurement of this label set: a concurrent first one may win; both then use the winner.
            var created = NewSeries(new LabelSet(tags));
            series = _series.GetOrAdd(created.Labels, created);
            _byIdentity.TryAdd(series.Labels, series);
        }
        series.Record(value);
    }

    /// <summary>Observable instruments report their current series afresh at each collection; vanished ones go.</summary>
    public void ClearObserved()
    {
        if (Observable && Kind == MetricKind.Gauge)
        {
            _series.Clear();
            _byIdentity.Clear();
        }
    }

    private MetricSeries NewSeries(LabelSet labels) => Kind switch
    {
        MetricKind.Histogram => new HistogramSeries(labels, Bounds),
        MetricKind.Counter => new SumSeries(labels, Cumulative),
        _ when Cumulative => new GaugeSeries(labels),
        _ => new SumSeries(labels, cumulative: false),
    };
}
