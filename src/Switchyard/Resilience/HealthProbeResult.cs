namespace Switchyard.Resilience;

/// <summary>The outcome of one health probe of a channel key.</summary>
public sealed record HealthProbeResult(DateTimeOffset At, bool Ok, int? Status, long LatencyMs, string? Error);
