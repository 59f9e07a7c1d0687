using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.Configuration;
using Switchyard.Telemetry.Metrics;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// Pushes the gateway's spans (OpenTelemetry SDK, batched) and metrics (<see cref="OtlpMetricsPush"/>, from the same
/// aggregation as <c>/metrics</c>) to an OpenTelemetry collector over OTLP/HTTP (protobuf) when
/// <c>telemetry.otlp_endpoint</c> is set; otherwise does nothing, and no span is ever created.
/// </summary>
public sealed class OtlpExport(GatewayConfig config, IServiceProvider services) : IHostedService, IAsyncDisposable
{
    private TracerProvider? _tracer;
    private OtlpMetricsPush? _metrics;

    public bool Enabled => _tracer is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var telemetry = config.Telemetry;
        if (telemetry.OtlpEndpoint is not { } endpoint)
        {
            return Task.CompletedTask;
        }
        var root = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        var instance = Environment.MachineName + ":" + Environment.ProcessId;
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(telemetry.ServiceName, serviceInstanceId: instance))
            .AddSource(GatewayTracing.SourceName)
            .SetSampler(new GatewaySampler(telemetry.TraceSampleRatio, telemetry.TraceFailures))
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = new Uri(root, "v1/traces");
            })
            .Build();
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
        _tracer?.ForceFlush(5000);
        if (_metrics is not null)
        {
            await _metrics.ExportAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _tracer?.Dispose();
        _tracer = null;
        if (Interlocked.Exchange(ref _metrics, null) is { } metrics)
        {
            await metrics.DisposeAsync();
        }
    }
}
