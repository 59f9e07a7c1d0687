using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchyard.Configuration;
using Switchyard.Telemetry.Metrics;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// Pushes the gateway's spans and metrics to an OpenTelemetry collector over OTLP/HTTP (protobuf) when
/// <c>telemetry.otlp_endpoint</c> is set; otherwise does nothing, and no span is ever created.
/// </summary>
public sealed class OtlpExport(GatewayConfig config) : IHostedService, IDisposable
{
    private TracerProvider? _tracer;
    private MeterProvider? _meters;

    public bool Enabled => _tracer is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var telemetry = config.Telemetry;
        if (telemetry.OtlpEndpoint is not { } endpoint)
        {
            return Task.CompletedTask;
        }
        var root = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        var resource = ResourceBuilder.CreateDefault().AddService(telemetry.ServiceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId);
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(GatewayTracing.SourceName)
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(telemetry.TraceSampleRatio)))
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = new Uri(root, "v1/traces");
            })
            .Build();
        _meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(GatewayMetrics.MeterName)
            .AddOtlpExporter((o, reader) =>
            {
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Endpoint = new Uri(root, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)telemetry.ExportInterval.TotalMilliseconds;
            })
            .Build();
        return Task.CompletedTask;
    }

    /// <summary>Sends everything recorded so far (tests; shutdown does it too).</summary>
    public void Flush()
    {
        _tracer?.ForceFlush(5000);
        _meters?.ForceFlush(5000);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Flush();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meters?.Dispose();
    }
}
