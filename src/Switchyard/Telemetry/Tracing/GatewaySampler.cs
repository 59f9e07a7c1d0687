using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// Head sampling at <c>telemetry.trace_sample_ratio</c>, with failures kept (<c>telemetry.trace_failures</c>): a
/// request the ratio leaves out is still recorded, unexported, so that <see cref="GatewayTracing"/> can mark it for
/// export when it fails, retries or falls back (the exporter sends only spans flagged recorded when they end). A
/// caller's <c>traceparent</c> is always obeyed, sampled or not.
/// </summary>
public sealed class GatewaySampler(double ratio, bool keepFailures) : Sampler
{
    private static readonly SamplingResult Sample = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Candidate = new(SamplingDecision.RecordOnly);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);
    private readonly TraceIdRatioBasedSampler _ratio = new(ratio);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default)
        {
            if ((parent.TraceFlags & ActivityTraceFlags.Recorded) != 0)
            {
                return Sample;
            }
            // A local parent left out by the ratio but still recorded (a candidate): its attempts are candidates too.
            return !parent.IsRemote && keepFailures && Activity.Current is { IsAllDataRequested: true } current && current.SpanId == parent.SpanId
                ? Candidate
                : Drop;
        }
        var decision = _ratio.ShouldSample(samplingParameters);
        return decision.Decision == SamplingDecision.RecordAndSample || !keepFailures ? decision : Candidate;
    }
}
