using System.Buffers.Binary;
using System.Diagnostics;
using Switchyard.Telemetry.Tracing;

namespace Switchyard.Tests.Telemetry;

public sealed class SpanSamplerTests
{
    [Fact]
    public void The_ratio_keeps_about_its_share_of_root_traces_and_decides_by_the_trace_id()
    {
        var (recorded, candidates) = StartRoots(new SpanSampler(0.25, keepFailures: true), 4000);

        // Binomial(4000, 0.25): mean 1000, standard deviation 27; the bounds are seven deviations wide.
        Assert.InRange(recorded.Count, 810, 1190);
        Assert.Equal(4000, recorded.Count + candidates.Count);
        var bound = (long)(0.25 * long.MaxValue);
        Assert.All(recorded, id => Assert.True(Leading(id) < bound));
        Assert.All(candidates, id => Assert.True(Leading(id) >= bound));
    }

    [Fact]
    public void Without_trace_failures_roots_left_out_are_not_recorded_at_all()
    {
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        var sampler = new SpanSampler(0, keepFailures: false);
        using var listener = Listen(source, sampler);

        using var activity = source.StartActivity("root", ActivityKind.Server, default(ActivityContext))!;

        Assert.False(activity.IsAllDataRequested);
        Assert.False(activity.Recorded);
    }

    [Fact]
    public void A_callers_sampled_flag_is_obeyed_either_way()
    {
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        using var listener = Listen(source, new SpanSampler(0.5, keepFailures: true));
        var sampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var unsampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        using (var one = source.StartActivity("in", ActivityKind.Server, sampled)!)
        {
            Assert.True(one.Recorded);
        }
        using var other = source.StartActivity("in", ActivityKind.Server, unsampled)!;
        Assert.False(other.IsAllDataRequested);
    }

    private static (List<ActivityTraceId> Recorded, List<ActivityTraceId> Candidates) StartRoots(SpanSampler sampler, int count)
    {
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        using var listener = Listen(source, sampler);
        List<ActivityTraceId> recorded = [], candidates = [];
        for (var i = 0; i < count; i++)
        {
            using var activity = source.StartActivity("root", ActivityKind.Server, default(ActivityContext))!;
            Assert.True(activity.IsAllDataRequested);
            (activity.Recorded ? recorded : candidates).Add(activity.TraceId);
        }
        return (recorded, candidates);
    }

    private static ActivityListener Listen(ActivitySource source, SpanSampler sampler)
    {
        var listener = new ActivityListener { ShouldListenTo = s => ReferenceEquals(s, source), Sample = sampler.Sample };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static long Leading(ActivityTraceId id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.CopyTo(bytes);
        return BinaryPrimitives.ReadInt64BigEndian(bytes) & long.MaxValue;
    }
}
