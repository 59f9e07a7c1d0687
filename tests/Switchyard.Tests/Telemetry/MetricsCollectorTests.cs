using System.Diagnostics;
using System.Diagnostics.Metrics;
using Switchyard.Telemetry.Metrics;

namespace Switchyard.Tests.Telemetry;

public sealed class MetricsCollectorTests
{
    [Fact]
    public void Equal_labels_in_other_string_instances_or_as_numbers_add_to_the_same_series()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter);
        var counter = meter.CreateCounter<long>("demo.requests");
        var model = "gpt-4o";

        counter.Add(1, new TagList { { "model", model }, { "code", "200" } });
        counter.Add(2, new TagList { { "model", model }, { "code", "200" } });
        // Same text, new instances: the series is found by content when the instances are not the ones it holds.
        counter.Add(4, new TagList { { new string("model".AsSpan()), new string(model.AsSpan()) }, { "code", new string("200".AsSpan()) } });
        counter.Add(8, new TagList { { "model", model }, { "code", 200 } });
        counter.Add(16, new TagList { { "model", "gpt-4o-mini" }, { "code", "200" } });

        var series = Series(collector, "demo.requests");
        Assert.Equal(2, series.Count);
        Assert.Equal(15, series["model=gpt-4o,code=200"]);
        Assert.Equal(16, series["model=gpt-4o-mini,code=200"]);
    }

    [Fact]
    public void Observed_series_that_vanish_are_gone_at_the_next_collection_and_come_back_when_observed_again()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter);
        var channels = new List<string> { "a", "b" };
        meter.CreateObservableGauge("demo.circuit", () => channels.Select(c => new Measurement<int>(1, new KeyValuePair<string, object?>("channel", c))));

        Assert.Equal(["channel=a", "channel=b"], Series(collector, "demo.circuit").Keys.Order());
        channels.Remove("b");
        Assert.Equal(["channel=a"], Series(collector, "demo.circuit").Keys);
        channels.Add("b");
        Assert.Equal(["channel=a", "channel=b"], Series(collector, "demo.circuit").Keys.Order());
    }

    private static Dictionary<string, double> Series(MetricsCollector collector, string instrument) =>
        collector.Read(all => all.Single(s => s.Instrument.Name == instrument).Series.ToDictionary(
            s => string.Join(",", s.Labels.Names.Zip(s.Labels.Values, (name, value) => name + "=" + value)),
            s => s switch
            {
                SumSeries sum => sum.Value,
                GaugeSeries gauge => gauge.Value,
                _ => double.NaN,
            }));
}
