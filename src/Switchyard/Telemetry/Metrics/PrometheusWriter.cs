using System.Globalization;
using System.Text;

namespace Switchyard.Telemetry.Metrics;

/// <summary>
/// Prometheus text exposition format 0.0.4: instrument names with dots and other characters outside
/// <c>[a-zA-Z0-9_:]</c> become underscores, the unit <c>s</c> adds <c>_seconds</c> and <c>By</c> adds <c>_bytes</c>,
/// counters end in <c>_total</c>; histograms give cumulative <c>_bucket{le=…}</c> lines, <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IReadOnlyList<InstrumentState> instruments)
    {
        var text = new StringBuilder(4096);
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var state in instruments)
        {
            var series = state.Series.ToArray();
            var name = MetricName(state.Instrument.Name, state.Instrument.Unit, state.Kind);
            if (series.Length == 0 || !written.Add(name))
            {
                continue;
            }
            Array.Sort(series, (a, b) => string.CompareOrdinal(string.Join('\u0001', a.Labels.Values), string.Join('\u0001', b.Labels.Values)));
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(state.Instrument.Description ?? name)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(state.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            foreach (var one in series)
            {
                switch (one)
                {
                    case HistogramSeries histogram:
                        WriteHistogram(text, name, histogram);
                        break;
                    case SumSeries sum:
                        Sample(text, name, one.Labels, null, sum.Value);
                        break;
                    case GaugeSeries gauge:
                        Sample(text, name, one.Labels, null, gauge.Value);
                        break;
                }
            }
        }
        return text.ToString();
    }

    public static string MetricName(string instrument, string? unit, MetricKind kind)
    {
        var name = new StringBuilder(instrument.Length + 16);
        foreach (var c in instrument)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_');
        }
        if (name.Length > 0 && char.IsAsciiDigit(name[0]))
        {
            name.Insert(0, '_');
        }
        var suffix = unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        var result = name.ToString();
        if (suffix.Length > 0 && !result.EndsWith(suffix, StringComparison.Ordinal))
        {
            result += suffix;
        }
        if (kind == MetricKind.Counter && !result.EndsWith("_total", StringComparison.Ordinal))
        {
            result += "_total";
        }
        return result;
    }

    public static string LabelName(string tag)
    {
        var name = new StringBuilder(tag.Length);
        foreach (var c in tag)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name.Insert(0, '_');
        }
        return name.ToString();
    }

    private static void WriteHistogram(StringBuilder text, string name, HistogramSeries histogram)
    {
        var (cumulative, sum) = histogram.Snapshot();
        for (var i = 0; i < histogram.Bounds.Length; i++)
        {
            Sample(text, name + "_bucket", histogram.Labels, Number(histogram.Bounds[i]), cumulative[i]);
        }
        Sample(text, name + "_bucket", histogram.Labels, "+Inf", cumulative[^1]);
        Sample(text, name + "_sum", histogram.Labels, null, sum);
        Sample(text, name + "_count", histogram.Labels, null, cumulative[^1]);
    }

    private static void Sample(StringBuilder text, string name, LabelSet labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Names.Length > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            for (var i = 0; i < labels.Names.Length; i++)
            {
                if (!first)
                {
                    text.Append(',');
                }
                first = false;
                text.Append(LabelName(labels.Names[i])).Append("=\"");
                EscapeLabel(text, labels.Values[i]);
                text.Append('"');
            }
            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }
            text.Append('}');
        }
        text.Append(' ').Append(Number(value)).Append('\n');
    }

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void EscapeLabel(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }
    }

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
