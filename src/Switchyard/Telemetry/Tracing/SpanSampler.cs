using System.Buffers.Binary;
using System.Diagnostics;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// Head sampling at <c>telemetry.trace_sample_ratio</c>, with failures kept (<c>telemetry.trace_failures</c>): a
/// request the ratio leaves out is still recorded, unexported, so that <see cref="GatewayTracing"/> can mark it for
/// export when it fails, retries or falls back (only spans flagged recorded when they end are exported). A caller's
/// <c>traceparent</c> is always obeyed, sampled or not. The ratio is decided from the trace id, as OpenTelemetry's
/// TraceIdRatioBased sampler does, so every service that samples by the same ratio keeps the same traces.
/// </summary>
internal sealed class SpanSampler(double ratio, bool keepFailures)
{
    private readonly long _bound = ratio >= 1 ? long.MaxValue : ratio <= 0 ? long.MinValue : (long)(ratio * long.MaxValue);

    public ActivitySamplingResult Sample(ref ActivityCreationOptions<ActivityContext> options)
    {
        var parent = options.Parent;
        if (parent.TraceId != default)
        {
            if ((parent.TraceFlags & ActivityTraceFlags.Recorded) != 0)
            {
                return ActivitySamplingResult.AllDataAndRecorded;
            }
            // A local parent left out by the ratio but still recorded (a candidate): its attempts are candidates too.
            return !parent.IsRemote && keepFailures && Activity.Current is { IsAllDataRequested: true } current && current.SpanId == parent.SpanId
                ? ActivitySamplingResult.AllData
                : ActivitySamplingResult.PropagationData;
        }
        if (_bound == long.MaxValue || InRatio(options.TraceId))
        {
            return ActivitySamplingResult.AllDataAndRecorded;
        }
        return keepFailures ? ActivitySamplingResult.AllData : ActivitySamplingResult.PropagationData;
    }

    /// <summary>The trace id's first eight bytes as a non-negative number, below the ratio's share of the range.</summary>
    private bool InRatio(ActivityTraceId traceId)
    {
        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        return (BinaryPrimitives.ReadInt64BigEndian(bytes) & long.MaxValue) < _bound;
    }
}
