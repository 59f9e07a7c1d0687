using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Telemetry.Metrics;
using Switchyard.Telemetry.Otlp;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

public sealed class OtlpMetricsPushTests
{
    [Fact]
    public async Task A_push_sends_the_current_totals_and_a_later_push_carries_them_forward()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter);
        var counter = meter.CreateCounter<long>("demo.requests");
        await using var push = new OtlpMetricsPush(collector, new Uri(receiver.Address, "v1/metrics"), new OtlpResource("gw", "h", meter.Name, null),
            TimeSpan.FromMinutes(10), NullLogger.Instance);

        counter.Add(2);
        Assert.True(await push.ExportAsync(CancellationToken.None));
        counter.Add(3);
        Assert.True(await push.ExportAsync(CancellationToken.None));

        var totals = receiver.Metrics.Select(body => Assert.Single(OtlpMetric.Decode(body).Metrics).Points.Single()).ToList();
        Assert.Equal([2L, 5L], totals.Select(p => p.Integer!.Value));
        Assert.Equal(totals[0].Start, totals[1].Start);
        Assert.True(totals[1].Time >= totals[0].Time);
    }

    [Fact]
    public async Task A_push_that_throws_does_not_end_the_pushes_that_follow()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter);
        var calls = 0;
        meter.CreateObservableGauge("demo.flaky", () => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("first read fails") : 1.0);
        await using var push = new OtlpMetricsPush(collector, new Uri(receiver.Address, "v1/metrics"), new OtlpResource("gw", "h", meter.Name, null),
            TimeSpan.FromMilliseconds(50), NullLogger.Instance);

        push.Start();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (receiver.Metrics.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "no push arrived after the failed one");
            await Task.Delay(20);
        }
        Assert.True(Volatile.Read(ref calls) >= 2);
    }

    [Fact]
    public async Task A_collector_that_cannot_be_reached_fails_the_push_without_throwing()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("N"));
        using var collector = new MetricsCollector(meter);
        meter.CreateCounter<long>("demo.requests").Add(1);
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var push = new OtlpMetricsPush(collector, new Uri($"http://127.0.0.1:{port}/v1/metrics"), new OtlpResource("gw", "h", meter.Name, null),
            TimeSpan.FromMinutes(10), NullLogger.Instance);

        Assert.False(await push.ExportAsync(CancellationToken.None));
    }
}
