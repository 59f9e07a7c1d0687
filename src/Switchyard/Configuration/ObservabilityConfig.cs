namespace Switchyard.Configuration;

/// <summary>Extra regexes whose matches are masked in logs and alerts, beside the built-in secret shapes.</summary>
public sealed record RedactionConfig
{
    public IReadOnlyList<string> Patterns { get; init; } = [];
}

public sealed record MetricsConfig
{
    /// <summary>Serve <c>GET /metrics</c> (Prometheus text format).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>When set, <c>GET /metrics</c> requires <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? Token { get; init; }

    /// <summary>Adds a <c>key</c> label (the key's name) to request, token and cost series: one series set per key.</summary>
    public bool PerKey { get; init; }
}

public sealed record TelemetryConfig
{
    /// <summary>OTLP/HTTP collector base URL (e.g. http://127.0.0.1:4318); traces and metrics are exported when set.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>How often metrics are pushed to the OTLP endpoint.</summary>
    public TimeSpan ExportInterval { get; init; } = TimeSpan.FromSeconds(15);

    public string ServiceName { get; init; } = "switchyard";

    /// <summary>
    /// Share of requests traced when the caller sent no sampled <c>traceparent</c> (0 to 1); a caller's sampled or
    /// unsampled <c>traceparent</c> is always followed. Spans are most of what tracing costs per request.
    /// </summary>
    public double TraceSampleRatio { get; init; } = 1.0;

    /// <summary>
    /// Requests the ratio leaves out are still traced when they fail, retry or fall back (their spans are recorded and
    /// exported only then). Off: the ratio alone decides, which is cheaper below 1.
    /// </summary>
    public bool TraceFailures { get; init; } = true;
}
