using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchyard.Telemetry.Metrics;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

public sealed class PrometheusWriterTests
{
    [Fact]
    public async Task Counters_histograms_and_gauges_are_written_in_exposition_format_that_promtool_accepts()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter);
        var counter = meter.CreateCounter<long>("demo.requests", "{request}", "Requests.");
        var cost = meter.CreateCounter<double>("demo.cost.usd", "USD", "Cost.");
        var latency = meter.CreateHistogram("demo.duration", "s", "Latency\nin seconds.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        var level = 7;
        meter.CreateObservableGauge("demo.queue.size", () => level, "By", "Queue bytes.");

        counter.Add(2, new TagList { { "model", "gpt-4o" }, { "status_class", "2xx" } });
        counter.Add(3, new TagList { { "model", "gpt-4o" }, { "status_class", "2xx" } });
        counter.Add(1, new TagList { { "model", "we\"ird\\name\nx" }, { "status_class", "5xx" } });
        cost.Add(0.25);
        cost.Add(0.5);
        latency.Record(0.05);
        latency.Record(0.1);
        latency.Record(0.5);
        latency.Record(30);

        var text = collector.Read(PrometheusWriter.Write);

        Assert.Equal("""
            # HELP demo_cost_usd_total Cost.
            # TYPE demo_cost_usd_total counter
            demo_cost_usd_total 0.75
            # HELP demo_duration_seconds Latency\nin seconds.
            # TYPE demo_duration_seconds histogram
            demo_duration_seconds_bucket{le="0.1"} 2
            demo_duration_seconds_bucket{le="1"} 3
            demo_duration_seconds_bucket{le="+Inf"} 4
            demo_duration_seconds_sum 30.65
            demo_duration_seconds_count 4
            # HELP demo_queue_size_bytes Queue bytes.
            # TYPE demo_queue_size_bytes gauge
            demo_queue_size_bytes 7
            # HELP demo_requests_total Requests.
            # TYPE demo_requests_total counter
            demo_requests_total{model="gpt-4o",status_class="2xx"} 5
            demo_requests_total{model="we\"ird\\name\nx",status_class="5xx"} 1

            """.Replace("\r", "", StringComparison.Ordinal), text);

        var (exit, output) = await PrometheusTools.PromtoolAsync(text, "check", "metrics");
        Assert.True(exit == 0, output);

        level = 9;
        Assert.Contains("demo_queue_size_bytes 9\n", collector.Read(PrometheusWriter.Write), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_given_meter_is_collected()
    {
        using var mine = new Meter("same-name");
        using var other = new Meter("same-name");
        using var collector = new MetricsCollector(mine);
        mine.CreateCounter<long>("a").Add(1);
        other.CreateCounter<long>("b").Add(1);
        var text = collector.Read(PrometheusWriter.Write);
        Assert.Contains("a_total 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("b_total", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gen_ai.client.operation.duration", "s", "Histogram", "gen_ai_client_operation_duration_seconds")]
    [InlineData("gen_ai.client.token.usage", "{token}", "Histogram", "gen_ai_client_token_usage")]
    [InlineData("switchyard.requests", "{request}", "Counter", "switchyard_requests_total")]
    [InlineData("process.cpu.seconds", null, "Counter", "process_cpu_seconds_total")]
    [InlineData("switchyard.ledger.journal.size", "By", "Gauge", "switchyard_ledger_journal_size_bytes")]
    [InlineData("odd-name/with spaces", null, "Gauge", "odd_name_with_spaces")]
    public void Names_follow_prometheus_conventions(string instrument, string? unit, string kind, string expected)
    {
        // The kind travels by name: MetricKind is internal to Telemetry, and xUnit theories are public.
        Assert.Equal(expected, PrometheusWriter.MetricName(instrument, unit, Enum.Parse<MetricKind>(kind)));
    }

    [Fact]
    public async Task Concurrent_recording_loses_no_measurement()
    {
        using var meter = new Meter("concurrent");
        using var collector = new MetricsCollector(meter);
        var counter = meter.CreateCounter<double>("c");
        var histogram = meter.CreateHistogram<double>("h");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counter.Add(0.5, new KeyValuePair<string, object?>("t", (t % 2).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                histogram.Record(1);
            }
        })));
        var metrics = new MetricsText(collector.Read(PrometheusWriter.Write));
        Assert.Equal(10_000, metrics.Value("c_total", ("t", "0")));
        Assert.Equal(10_000, metrics.Value("c_total", ("t", "1")));
        Assert.Equal(40_000, metrics.Value("h_count"));
        Assert.Equal(40_000, metrics.Value("h_sum"));
    }
}
