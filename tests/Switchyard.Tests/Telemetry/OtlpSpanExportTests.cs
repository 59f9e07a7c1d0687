using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Telemetry.Otlp;
using Switchyard.Telemetry.Tracing;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

/// <summary>The span exporter on a source of its own, so that spans of tests running alongside stay out.</summary>
public sealed class OtlpSpanExportTests
{
    private static readonly OtlpResource Resource = new("gw", "host:1", "Switchyard", "1.0.0");

    [Fact]
    public async Task A_full_batch_goes_out_without_waiting_for_the_delay_with_the_resource_and_scope()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        await using var export = new OtlpSpanExport(source, new Uri(receiver.Address, "v1/traces"), Resource, new SpanSampler(1, true), NullLogger.Instance,
            maxBatch: 4, delay: TimeSpan.FromMinutes(10));
        export.Start();

        var ids = Enumerable.Range(0, 4).Select(i => End(source, "span " + i)).ToList();

        await WaitUntil(() => !receiver.Traces.IsEmpty);
        var body = Assert.Single(receiver.Traces);
        Assert.Equal(ids, receiver.Spans().Select(s => s.SpanId));
        var resourceSpans = Assert.Single(Protobuf.Fields(body)).Bytes;
        var resource = Protobuf.Fields(Assert.Single(Protobuf.Fields(resourceSpans), f => f.Number == 1).Bytes).ToList();
        Assert.Equal(2, resource.Count);
        var scope = Protobuf.Fields(Assert.Single(Protobuf.Fields(Assert.Single(Protobuf.Fields(resourceSpans), f => f.Number == 2).Bytes), f => f.Number == 1).Bytes).ToList();
        Assert.Equal(["Switchyard", "1.0.0"], scope.Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)));
    }

    [Fact]
    public async Task Unsampled_spans_are_not_sent_and_flush_sends_what_is_queued()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        await using var export = new OtlpSpanExport(source, new Uri(receiver.Address, "v1/traces"), Resource, new SpanSampler(0, keepFailures: true), NullLogger.Instance,
            delay: TimeSpan.FromMinutes(10));
        export.Start();

        End(source, "left out by the ratio");
        var kept = End(source, "failed", keep: true);
        Assert.True(await export.FlushAsync(CancellationToken.None));
        Assert.True(await export.FlushAsync(CancellationToken.None)); // nothing queued: nothing sent, nothing failed

        var span = Assert.Single(receiver.Spans());
        Assert.Equal((kept, "failed"), (span.SpanId, span.Name));
        Assert.Single(receiver.Traces);
    }

    [Fact]
    public async Task Past_the_queue_limit_spans_are_dropped_and_counted_and_a_dead_collector_fails_the_flush_without_throwing()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        await using var export = new OtlpSpanExport(source, new Uri($"http://127.0.0.1:{port}/v1/traces"), Resource, new SpanSampler(1, true), NullLogger.Instance,
            maxBatch: 100, maxQueued: 3, delay: TimeSpan.FromMinutes(10));
        export.Start();

        for (var i = 0; i < 5; i++)
        {
            End(source, "span " + i);
        }

        Assert.Equal(2, export.Dropped);
        Assert.False(await export.FlushAsync(CancellationToken.None));
        End(source, "after the failed export");
        Assert.Equal(2, export.Dropped);
    }

    private static string End(ActivitySource source, string name, bool keep = false)
    {
        using var activity = source.StartActivity(name, ActivityKind.Internal, default(ActivityContext))!;
        if (keep)
        {
            activity.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }
        return activity.SpanId.ToHexString();
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
