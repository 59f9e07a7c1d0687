using System.Diagnostics.Metrics;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// Aggregates the measurements of one <see cref="Meter"/> in memory for the Prometheus endpoint. Only that meter
/// instance is listened to, so several gateways in one process (tests) keep their figures apart.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<InstrumentState> _instruments = [];
    private readonly Lock _collecting = new();

    public MetricsCollector(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, meter))
            {
                return;
            }
            var state = new InstrumentState(instrument);
            lock (_instruments)
            {
                _instruments.Add(state);
            }
            listener.EnableMeasurementEvents(instrument, state);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>
    /// Polls the observable instruments and hands every instrument, ordered by name, to <paramref name="read"/>
    /// while no other collection runs: a concurrent one would clear the observed gauges being read.
    /// </summary>
    internal T Read<T>(Func<IReadOnlyList<InstrumentState>, T> read)
    {
        lock (_collecting)
        {
            return read(Collect());
        }
    }

    /// <summary>Only <see cref="Read"/> calls this, under <c>_collecting</c>.</summary>
    private InstrumentState[] Collect()
    {
        InstrumentState[] all;
        lock (_instruments)
        {
            all = [.. _instruments];
        }
        foreach (var state in all)
        {
            state.ClearObserved();
        }
        _listener.RecordObservableInstruments();
        Array.Sort(all, (a, b) => string.CompareOrdinal(a.Instrument.Name, b.Instrument.Name));
        return all;
    }

    public void Dispose() => _listener.Dispose();
}
