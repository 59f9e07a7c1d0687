using System.Text;

namespace Switchyard.Tests.TestSupport;

/// <summary>One metric of an OTLP export, decoded by field number from opentelemetry/proto/metrics/v1/metrics.proto.</summary>
public sealed record OtlpMetric(string Name, string Description, string Unit, string Type, bool Monotonic, int Temporality, IReadOnlyList<OtlpPoint> Points)
{
    /// <summary>The metrics of one <c>ExportMetricsServiceRequest</c> body, with the resource's attributes.</summary>
    public static (IReadOnlyDictionary<string, string> Resource, string Scope, IReadOnlyList<OtlpMetric> Metrics) Decode(byte[] body)
    {
        var resource = new Dictionary<string, string>(StringComparer.Ordinal);
        var scope = "";
        var metrics = new List<OtlpMetric>();
        foreach (var resourceMetrics in Protobuf.Fields(body).Where(f => f.Number == 1))
        {
            foreach (var field in Protobuf.Fields(resourceMetrics.Bytes))
            {
                if (field.Number == 1)
                {
                    foreach (var attribute in Protobuf.Fields(field.Bytes).Where(f => f.Number == 1))
                    {
                        var (key, value) = KeyValue(attribute.Bytes);
                        resource[key] = value;
                    }
                }
                else if (field.Number == 2)
                {
                    foreach (var scopeField in Protobuf.Fields(field.Bytes))
                    {
                        if (scopeField.Number == 1)
                        {
                            scope = Text(Protobuf.Fields(scopeField.Bytes).First(f => f.Number == 1).Bytes);
                        }
                        else if (scopeField.Number == 2)
                        {
                            metrics.Add(Metric(scopeField.Bytes));
                        }
                    }
                }
            }
        }
        return (resource, scope, metrics);
    }

    private static OtlpMetric Metric(byte[] bytes)
    {
        string name = "", description = "", unit = "", type = "";
        var monotonic = false;
        var temporality = 0;
        var points = new List<OtlpPoint>();
        foreach (var field in Protobuf.Fields(bytes))
        {
            switch (field.Number)
            {
                case 1: name = Text(field.Bytes); break;
                case 2: description = Text(field.Bytes); break;
                case 3: unit = Text(field.Bytes); break;
                case 5 or 7 or 9:
                    type = field.Number switch { 5 => "gauge", 7 => "sum", _ => "histogram" };
                    foreach (var data in Protobuf.Fields(field.Bytes))
                    {
                        switch (data.Number)
                        {
                            case 1: points.Add(field.Number == 9 ? OtlpPoint.Histogram(data.Bytes) : OtlpPoint.Number(data.Bytes)); break;
                            case 2: temporality = (int)data.Varint; break;
                            case 3: monotonic = data.Varint != 0; break;
                        }
                    }
                    break;
            }
        }
        return new OtlpMetric(name, description, unit, type, monotonic, temporality, points);
    }

    internal static (string Key, string Value) KeyValue(byte[] bytes)
    {
        string key = "", value = "";
        foreach (var field in Protobuf.Fields(bytes))
        {
            if (field.Number == 1)
            {
                key = Text(field.Bytes);
            }
            else if (field.Number == 2)
            {
                value = Text(Protobuf.Fields(field.Bytes).First(f => f.Number == 1).Bytes);
            }
        }
        return (key, value);
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}

/// <summary>A number or histogram data point: attributes, timestamps and the value(s).</summary>
public sealed record OtlpPoint(IReadOnlyDictionary<string, string> Attributes, ulong Start, ulong Time, double? Double, long? Integer,
    ulong Count, double Sum, IReadOnlyList<long> BucketCounts, IReadOnlyList<double> Bounds)
{
    public static OtlpPoint Number(byte[] bytes)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        ulong start = 0, time = 0;
        double? asDouble = null;
        long? asInt = null;
        foreach (var field in Protobuf.Fields(bytes))
        {
            switch (field.Number)
            {
                case 7: Add(attributes, field.Bytes); break;
                case 2: start = field.Varint; break;
                case 3: time = field.Varint; break;
                case 4: asDouble = BitConverter.Int64BitsToDouble((long)field.Varint); break;
                case 6: asInt = (long)field.Varint; break;
            }
        }
        return new OtlpPoint(attributes, start, time, asDouble, asInt, 0, 0, [], []);
    }

    public static OtlpPoint Histogram(byte[] bytes)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        ulong start = 0, time = 0, count = 0;
        double sum = 0;
        long[] buckets = [];
        double[] bounds = [];
        foreach (var field in Protobuf.Fields(bytes))
        {
            switch (field.Number)
            {
                case 9: Add(attributes, field.Bytes); break;
                case 2: start = field.Varint; break;
                case 3: time = field.Varint; break;
                case 4: count = field.Varint; break;
                case 5: sum = BitConverter.Int64BitsToDouble((long)field.Varint); break;
                case 6: buckets = [.. Enumerable.Range(0, field.Bytes.Length / 8).Select(i => BitConverter.ToInt64(field.Bytes, i * 8))]; break;
                case 7: bounds = [.. Enumerable.Range(0, field.Bytes.Length / 8).Select(i => BitConverter.ToDouble(field.Bytes, i * 8))]; break;
            }
        }
        return new OtlpPoint(attributes, start, time, null, null, count, sum, buckets, bounds);
    }

    private static void Add(Dictionary<string, string> attributes, byte[] keyValue)
    {
        var (key, value) = OtlpMetric.KeyValue(keyValue);
        attributes[key] = value;
    }
}
