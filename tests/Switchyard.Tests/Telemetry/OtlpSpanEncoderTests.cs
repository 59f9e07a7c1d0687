using System.Diagnostics;
using Switchyard.Telemetry.Otlp;
using Switchyard.Telemetry.Tracing;
using Switchyard.Tests.TestSupport;

namespace Switchyard.Tests.Telemetry;

public sealed class OtlpSpanEncoderTests
{
    [Fact]
    public void An_ended_activity_becomes_an_otlp_span_with_ids_times_kind_attributes_events_links_status_and_flags()
    {
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        using var listener = RecordEverything(source);
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "vendor=1", isRemote: true);
        var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);
        var started = new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
        var activity = source.StartActivity(ActivityKind.Client, parent, links: [new ActivityLink(linked, new ActivityTagsCollection { ["why"] = "retry of" })], startTime: started, name: "chat gpt-4o")!;
        activity.AddTag("text", "模型");
        activity.AddTag("flag", true);
        activity.AddTag("int", 7);
        activity.AddTag("long", -3L);
        activity.AddTag("double", 0.25);
        activity.AddTag("decimal", 1.5m);
        activity.AddTag("other", new Uri("http://upstream:8080/v1"));
        activity.AddEvent(new ActivityEvent("first byte", started.AddMilliseconds(5), new ActivityTagsCollection { ["bytes"] = 12 }));
        activity.SetStatus(ActivityStatusCode.Error, "upstream_timeout");
        activity.SetEndTime(started.AddMilliseconds(250).UtcDateTime);
        activity.Stop();

        var writer = new ProtobufWriter();
        OtlpSpanEncoder.WriteSpan(writer, activity);
        var fields = Protobuf.Fields(writer.WrittenSpan.ToArray()).ToList();
        byte[] Bytes(int number) => Assert.Single(fields, f => f.Number == number).Bytes;
        ulong Number(int number) => Assert.Single(fields, f => f.Number == number).Varint;

        Assert.Equal(parent.TraceId.ToHexString(), Convert.ToHexStringLower(Bytes(1)));
        Assert.Equal(activity.SpanId.ToHexString(), Convert.ToHexStringLower(Bytes(2)));
        Assert.Equal("vendor=1", System.Text.Encoding.UTF8.GetString(Bytes(3)));
        Assert.Equal(parent.SpanId.ToHexString(), Convert.ToHexStringLower(Bytes(4)));
        Assert.Equal("chat gpt-4o", System.Text.Encoding.UTF8.GetString(Bytes(5)));
        Assert.Equal(3UL, Number(6)); // SPAN_KIND_CLIENT
        var startNano = (ulong)started.ToUnixTimeMilliseconds() * 1_000_000;
        Assert.Equal(startNano, Number(7));
        Assert.Equal(startNano + 250_000_000, Number(8));
        // Trace flags (sampled), plus "has is-remote" and "is remote": the parent came from a caller.
        Assert.Equal(0x301UL, Number(16));

        var span = OtlpSpan.Read(writer.WrittenSpan.ToArray());
        Assert.Equal(new Dictionary<string, object>
        {
            ["text"] = "模型",
            ["flag"] = true,
            ["int"] = 7L,
            ["long"] = -3L,
            ["double"] = 0.25,
            ["decimal"] = 1.5,
            ["other"] = "http://upstream:8080/v1",
        }, span.Attributes);

        var e = Protobuf.Fields(Bytes(11)).ToList();
        Assert.Equal(startNano + 5_000_000, Assert.Single(e, f => f.Number == 1).Varint);
        Assert.Equal("first byte", System.Text.Encoding.UTF8.GetString(Assert.Single(e, f => f.Number == 2).Bytes));
        Assert.Single(e, f => f.Number == 3);

        var link = Protobuf.Fields(Bytes(13)).ToList();
        Assert.Equal(linked.TraceId.ToHexString(), Convert.ToHexStringLower(Assert.Single(link, f => f.Number == 1).Bytes));
        Assert.Equal(linked.SpanId.ToHexString(), Convert.ToHexStringLower(Assert.Single(link, f => f.Number == 2).Bytes));
        Assert.Single(link, f => f.Number == 4);
        Assert.Equal(0x100UL, Assert.Single(link, f => f.Number == 6).Varint);

        var status = Protobuf.Fields(Bytes(15)).ToList();
        Assert.Equal("upstream_timeout", System.Text.Encoding.UTF8.GetString(Assert.Single(status, f => f.Number == 2).Bytes));
        Assert.Equal(2UL, Assert.Single(status, f => f.Number == 3).Varint); // STATUS_CODE_ERROR
    }

    [Fact]
    public void A_root_span_has_no_parent_no_status_and_is_not_remote()
    {
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        using var listener = RecordEverything(source);
        var activity = source.StartActivity("chat", ActivityKind.Server, default(ActivityContext))!;
        activity.Stop();

        var writer = new ProtobufWriter();
        OtlpSpanEncoder.WriteSpan(writer, activity);
        var fields = Protobuf.Fields(writer.WrittenSpan.ToArray()).ToList();

        Assert.DoesNotContain(fields, f => f.Number is 3 or 4 or 15);
        Assert.Equal(2UL, Assert.Single(fields, f => f.Number == 6).Varint); // SPAN_KIND_SERVER
        Assert.Equal(0x101UL, Assert.Single(fields, f => f.Number == 16).Varint);
    }

    [Fact]
    public void Attributes_handed_over_as_a_span_ends_are_encoded_with_its_name_and_only_for_that_span()
    {
        using var source = new ActivitySource("test-" + Guid.NewGuid().ToString("N"));
        var encoded = new List<OtlpSpan>();
        using var listener = RecordEverything(source, stopped: a =>
        {
            var writer = new ProtobufWriter();
            OtlpSpanEncoder.WriteSpan(writer, a);
            encoded.Add(OtlpSpan.Read(writer.WrittenSpan.ToArray()));
        });
        var outer = source.StartActivity("outer")!;
        outer.AddTag("tag", "kept");
        var inner = source.StartActivity("inner")!;

        inner.Stop();
        new FixedAttributes("chat ", "gpt-4o").EndSpan(outer);

        Assert.Equal(["inner", "chat gpt-4o"], encoded.Select(s => s.Name));
        Assert.Empty(encoded[0].Attributes);
        Assert.Equal(("kept", "gpt-4o", 42L), ((string)encoded[1].Attributes["tag"], (string)encoded[1].Attributes["model"], (long)encoded[1].Attributes["tokens"]));
        // Once the span has ended, the handoff is over: nothing is found for it on this thread any more.
        Assert.Null(SpanAttributes.Of(outer));
    }

    private sealed class FixedAttributes(string prefix, string model) : SpanAttributes
    {
        public void EndSpan(Activity activity) => End(activity);

        public override void WriteName(ProtobufWriter writer, int field) => writer.String(field, prefix, model);

        public override void WriteAttributes(ProtobufWriter writer)
        {
            OtlpAttribute.Write(writer, OtlpSpanEncoder.AttributesField, "model", model);
            OtlpAttribute.Write(writer, OtlpSpanEncoder.AttributesField, "tokens", 42L);
        }

        protected override void Clear()
        {
        }
    }

    private static ActivityListener RecordEverything(ActivitySource source, Action<Activity>? stopped = null)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
