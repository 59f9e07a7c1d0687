using System.Globalization;

namespace Switchyard.Tests.TestSupport;

/// <summary>Prometheus text exposition parsed into samples, for asserting exact series values.</summary>
public sealed class MetricsText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public MetricsText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var valueAt = line.LastIndexOf(' ');
            var series = line[..valueAt];
            var value = line[(valueAt + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            var brace = series.IndexOf('{');
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (brace >= 0)
            {
                foreach (var pair in SplitLabels(series[(brace + 1)..^1]))
                {
                    var eq = pair.IndexOf('=');
                    labels[pair[..eq]] = pair[(eq + 2)..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
                }
                series = series[..brace];
            }
            _samples.Add((series, labels, value));
        }
    }

    public string Text { get; }

    /// <summary>The value of the one sample with exactly these labels (plus any listed in <paramref name="ignore"/>), or null.</summary>
    public double? Value(string name, params (string Name, string Value)[] labels)
    {
        var matches = _samples.Where(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0].Value,
            _ => throw new InvalidOperationException($"{matches.Count} samples of {name} match"),
        };
    }

    /// <summary>The sum over every sample of <paramref name="name"/> whose labels include these.</summary>
    public double Sum(string name, params (string Name, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(s => s.Value);

    public IEnumerable<IReadOnlyDictionary<string, string>> LabelSets(string name) => _samples.Where(s => s.Name == name).Select(s => s.Labels);

    private static IEnumerable<string> SplitLabels(string body)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\')
            {
                i++;
            }
            else if (body[i] == '"')
            {
                quoted = !quoted;
            }
            else if (body[i] == ',' && !quoted)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }
        if (start < body.Length)
        {
            yield return body[start..];
        }
    }
}
