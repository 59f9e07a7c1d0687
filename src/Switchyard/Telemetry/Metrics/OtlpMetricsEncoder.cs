using Switchyard.Telemetry.Otlp;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// The in-process aggregation as an OTLP <c>ExportMetricsServiceRequest</c> (opentelemetry/proto/collector/metrics/v1,
/// protobuf): counters and observable counters as monotonic cumulative sums, up-down counters as non-monotonic sums,
/// observable gauges as gauges, histograms with their explicit bounds and per-bucket counts. The same series that
/// <c>/metrics</c> shows, under the instruments' own (dotted) names, so one aggregation serves both.
/// </summary>
internal static class OtlpMetricsEncoder
{
    private const int Cumulative = 2;

    public static byte[] Encode(IReadOnlyList<InstrumentState> instruments, OtlpResource resource, ulong startUnixNano, ulong nowUnixNano)
    {
        var request = new ProtobufWriter();
        request.Message(1, (instruments, resource, startUnixNano, nowUnixNano), static (resourceMetrics, s) =>
        {
            s.resource.WriteResource(resourceMetrics, 1);
            resourceMetrics.Message(2, s, static (scopeMetrics, s) =>
            {
                s.resource.WriteScope(scopeMetrics, 1);
                foreach (var state in s.instruments)
                {
                    var series = state.Series.ToArray();
                    if (series.Length > 0)
                    {
                        scopeMetrics.Message(2, (state, series, s.startUnixNano, s.nowUnixNano), static (m, x) => Metric(m, x.state, x.series, x.startUnixNano, x.nowUnixNano));
                    }
                }
            });
        });
        return request.WrittenSpan.ToArray();
    }

    private static void Metric(ProtobufWriter metric, InstrumentState state, MetricSeries[] series, ulong start, ulong now)
    {
        var instrument = state.Instrument;
        metric.String(1, instrument.Name);
        if (instrument.Description is { Length: > 0 } description)
        {
            metric.String(2, description);
        }
        if (instrument.Unit is { Length: > 0 } unit)
        {
            metric.String(3, unit);
        }
        var integer = state.Integer;
        switch (state.Kind)
        {
            case MetricKind.Histogram:
                metric.Message(9, (series, start, now), static (histogram, x) =>
                {
                    foreach (var one in x.series)
                    {
                        histogram.Message(1, ((HistogramSeries)one, x.start, x.now), static (point, p) => HistogramPoint(point, p.Item1, p.start, p.now));
                    }
                    histogram.UInt64(2, Cumulative);
                });
                break;
            case MetricKind.Counter:
            case MetricKind.Gauge when state.UpDown:
                metric.Message(7, (series, start, now, integer, monotonic: state.Kind == MetricKind.Counter), static (sum, x) =>
                {
                    foreach (var one in x.series)
                    {
                        sum.Message(1, (one, x.start, x.now, x.integer), static (point, p) => NumberPoint(point, p.one, p.start, p.now, p.integer));
                    }
                    sum.UInt64(2, Cumulative);
                    sum.Bool(3, x.monotonic);
                });
                break;
            default:
                metric.Message(5, (series, now, integer), static (gauge, x) =>
                {
                    foreach (var one in x.series)
                    {
                        gauge.Message(1, (one, x.now, x.integer), static (point, p) => NumberPoint(point, p.one, 0, p.now, p.integer));
                    }
                });
                break;
        }
    }

    private static void NumberPoint(ProtobufWriter point, MetricSeries series, ulong start, ulong now, bool integer)
    {
        if (start != 0)
        {
            point.Fixed(2, start);
        }
        point.Fixed(3, now);
        var value = series switch
        {
            SumSeries sum => sum.Value,
            GaugeSeries gauge => gauge.Value,
            _ => 0,
        };
        if (integer)
        {
            point.Fixed(6, unchecked((ulong)(long)Math.Round(value)));
        }
        else
        {
            point.Double(4, value);
        }
        Attributes(point, 7, series.Labels);
    }

    private static void HistogramPoint(ProtobufWriter point, HistogramSeries series, ulong start, ulong now)
    {
        var (cumulative, sum) = series.Snapshot();
        var counts = new long[cumulative.Length];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = cumulative[i] - (i == 0 ? 0 : cumulative[i - 1]);
        }
        point.Fixed(2, start);
        point.Fixed(3, now);
        point.Fixed(4, (ulong)cumulative[^1]);
        point.Double(5, sum);
        point.PackedFixed(6, counts);
        point.PackedDouble(7, series.Bounds);
        Attributes(point, 9, series.Labels);
    }

    private static void Attributes(ProtobufWriter point, int field, LabelSet labels)
    {
        for (var i = 0; i < labels.Names.Length; i++)
        {
            OtlpAttribute.Write(point, field, labels.Names[i], labels.Values[i]);
        }
    }
}
