using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchyard.Telemetry.Metrics;
using Switchyard.Telemetry.Otlp;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

public sealed class OtlpMetricsEncoderTests
{
    [Fact]
    public void The_aggregation_is_encoded_as_an_otlp_export_with_cumulative_sums_gauges_and_histograms()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"), "1.2.3");
        using var collector = new MetricsCollector(meter);
        var requests = meter.CreateCounter<long>("demo.requests", "{request}", "Requests.");
        var cost = meter.CreateCounter<double>("demo.cost.usd", "USD", "Cost.");
        var inFlight = meter.CreateUpDownCounter<long>("demo.in_flight", "{request}");
        var latency = meter.CreateHistogram("demo.duration", "s", "Latency.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        meter.CreateObservableGauge("demo.queue.size", () => 7.5, "By");

        requests.Add(2, new TagList { { "model", "gpt-4o" }, { "gen_ai.token.type", "input" } });
        requests.Add(3, new TagList { { "model", "gpt-4o" }, { "gen_ai.token.type", "input" } });
        requests.Add(1, new TagList { { "model", "模型" }, { "gen_ai.token.type", "output" } });
        cost.Add(0.25);
        cost.Add(0.5);
        inFlight.Add(4);
        inFlight.Add(-1);
        latency.Record(0.05);
        latency.Record(0.1);
        latency.Record(0.5);
        latency.Record(30);

        var body = collector.Read(instruments => OtlpMetricsEncoder.Encode(instruments, new OtlpResource("gw", "host:1", meter.Name, meter.Version), 1_000, 2_000));
        var (resource, scope, metrics) = OtlpMetric.Decode(body);

        Assert.Equal("gw", resource["service.name"]);
        Assert.Equal("host:1", resource["service.instance.id"]);
        Assert.Equal(meter.Name, scope);
        Assert.Equal(["demo.cost.usd", "demo.duration", "demo.in_flight", "demo.queue.size", "demo.requests"], metrics.Select(m => m.Name));

        var requestsMetric = metrics.Single(m => m.Name == "demo.requests");
        Assert.Equal(("sum", true, 2, "{request}", "Requests."), (requestsMetric.Type, requestsMetric.Monotonic, requestsMetric.Temporality, requestsMetric.Unit, requestsMetric.Description));
        var input = requestsMetric.Points.Single(p => p.Attributes["gen_ai.token.type"] == "input");
        Assert.Equal((5L, (double?)null, "gpt-4o", 1_000UL, 2_000UL), (input.Integer, input.Double, input.Attributes["model"], input.Start, input.Time));
        Assert.Equal(1L, requestsMetric.Points.Single(p => p.Attributes["model"] == "模型").Integer);

        var costMetric = metrics.Single(m => m.Name == "demo.cost.usd");
        Assert.Equal(0.75, Assert.Single(costMetric.Points).Double);
        Assert.Null(costMetric.Points[0].Integer);

        var inFlightMetric = metrics.Single(m => m.Name == "demo.in_flight");
        Assert.Equal(("sum", false, 3L), (inFlightMetric.Type, inFlightMetric.Monotonic, Assert.Single(inFlightMetric.Points).Integer));

        var gauge = metrics.Single(m => m.Name == "demo.queue.size");
        Assert.Equal(("gauge", 7.5), (gauge.Type, Assert.Single(gauge.Points).Double));

        var histogram = metrics.Single(m => m.Name == "demo.duration");
        Assert.Equal(("histogram", 2, "s"), (histogram.Type, histogram.Temporality, histogram.Unit));
        var point = Assert.Single(histogram.Points);
        Assert.Equal(4UL, point.Count);
        Assert.Equal(30.65, point.Sum, 10);
        Assert.Equal([0.1, 1], point.Bounds);
        // Per bucket, not cumulative as in Prometheus: (-inf, 0.1], (0.1, 1], (1, +inf).
        Assert.Equal([2L, 1L, 1L], point.BucketCounts);
    }

    [Fact]
    public void An_instrument_without_measurements_is_left_out()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter);
        meter.CreateCounter<long>("demo.unused");
        meter.CreateCounter<long>("demo.used").Add(1);

        var (_, _, metrics) = OtlpMetric.Decode(collector.Read(i => OtlpMetricsEncoder.Encode(i, new OtlpResource("gw", "h", meter.Name, null), 1, 2)));

        Assert.Equal(["demo.used"], metrics.Select(m => m.Name));
    }
}
