using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchyard.Configuration;
using Switchyard.Telemetry.Metrics;
using Switchyard.Telemetry.Otlp;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// Pushes the gateway's spans (<see cref="OtlpSpanExport"/>, batched) and metrics (<see cref="OtlpMetricsPush"/>, from the same
/// aggregation as <c>/metrics</c>) to an OpenTelemetry collector over OTLP/HTTP (protobuf) when
/// <c>telemetry.otlp_endpoint</c> is set; otherwise does nothing, and no span is ever created.
/// </summary>
public sealed class OtlpExport(GatewayConfig config, IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private OtlpSpanExport? _spans;
    private OtlpMetricsPush? _metrics;

    public bool Enabled => _spans is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var telemetry = config.Telemetry;
        if (telemetry.OtlpEndpoint is not { } endpoint)
        {
            return Task.CompletedTask;
        }
        var root = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        var instance = Environment.MachineName + ":" + Environment.ProcessId;
        var source = GatewayTracing.Source;
        var spans = new OtlpSpanExport(source, new Uri(root, "v1/traces"), new OtlpResource(telemetry.ServiceName, instance, source.Name, source.Version),
            new SpanSampler(telemetry.TraceSampleRatio, telemetry.TraceFailures), services.GetRequiredService<ILogger<OtlpSpanExport>>());
        spans.Start();
        _spans = spans;
        services.GetRequiredService<GatewayMetrics>().Meter.CreateObservableCounter("switchyard.telemetry.spans_dropped", () => spans.Dropped, "{span}",
            "Spans the OTLP exporter dropped: its queue was full while the collector was slow or down, or a span could not be encoded.");
        // Resolved only here: the collector's MeterListener costs each measurement a lookup, so it exists only when
        // something reads it (this push or /metrics).
        var collector = services.GetRequiredService<MetricsCollector>();
        // Creating it registers the runtime's observable gauges (ledger queue, circuits, process) on the meter.
        services.GetRequiredService<RuntimeGauges>();
        var meter = services.GetRequiredService<GatewayMetrics>().Meter;
        _metrics = new OtlpMetricsPush(collector, new Uri(root, "v1/metrics"), new OtlpResource(telemetry.ServiceName, instance, meter.Name, meter.Version),
            telemetry.ExportInterval, services.GetRequiredService<ILogger<OtlpMetricsPush>>());
        _metrics.Start();
        return Task.CompletedTask;
    }

    /// <summary>Sends everything recorded so far (tests; shutdown does it too).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_spans is not null)
        {
            await _spans.FlushAsync(cancellationToken);
        }
        if (_metrics is not null)
        {
            await _metrics.ExportAsync(cancellationToken);
        }
    }

    /// <summary>A last flush, bounded: a collector that hangs must not hold the shutdown for the HTTP timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            await FlushAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _spans, null) is { } spans)
        {
            await spans.DisposeAsync();
        }
        if (Interlocked.Exchange(ref _metrics, null) is { } metrics)
        {
            await metrics.DisposeAsync();
        }
    }
}
