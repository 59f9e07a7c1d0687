namespace Switchyard.Telemetry.Metrics;

/// <summary>One series' running value: lock-free updates from any thread, read at scrape time.</summary>
internal abstract class MetricSeries(LabelSet labels)
{
    public LabelSet Labels { get; } = labels;

    public abstract void Record(double value);

    protected static void Add(ref double target, double value)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + value, current);
            if (seen.Equals(current))
            {
                return;
            }
            current = seen;
        }
    }
}

/// <summary>A monotonic sum (counters, observable counters report their cumulative value instead).</summary>
internal sealed class SumSeries(LabelSet labels, bool cumulative) : MetricSeries(labels)
{
    private double _value;

    public double Value => Volatile.Read(ref _value);

    public override void Record(double value)
    {
        if (cumulative)
        {
            Volatile.Write(ref _value, value);
        }
        else
        {
            Add(ref _value, value);
        }
    }
}

/// <summary>The last observed value.</summary>
internal sealed class GaugeSeries(LabelSet labels) : MetricSeries(labels)
{
    private double _value;

    public double Value => Volatile.Read(ref _value);

    public override void Record(double value) => Volatile.Write(ref _value, value);
}

/// <summary>Counts per bucket (upper bounds inclusive, as Prometheus' <c>le</c>), plus sum.</summary>
internal sealed class HistogramSeries(LabelSet labels, double[] bounds) : MetricSeries(labels)
{
    private readonly long[] _counts = new long[bounds.Length + 1];
    private double _sum;

    public double[] Bounds { get; } = bounds;

    public override void Record(double value)
    {
        var index = Array.BinarySearch(Bounds, value);
        if (index < 0)
        {
            index = ~index;
        }
        Interlocked.Increment(ref _counts[index]);
        Add(ref _sum, value);
    }

    /// <summary>Cumulative bucket counts (the last is +Inf, which is also the count) and the sum.</summary>
    public (long[] Cumulative, double Sum) Snapshot()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            cumulative[i] = running;
        }
        return (cumulative, Volatile.Read(ref _sum));
    }
}
