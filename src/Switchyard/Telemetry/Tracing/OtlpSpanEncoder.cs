using System.Diagnostics;
using Switchyard.Telemetry.Otlp;

namespace Switchyard.Telemetry.Tracing;

/// <summary>
/// Activities as OTLP spans (opentelemetry/proto/trace/v1/trace.proto, protobuf): <see cref="WriteSpan"/> encodes one
/// ended activity, <see cref="WriteRequest"/> wraps a batch of them in an <c>ExportTraceServiceRequest</c>.
/// </summary>
internal static class OtlpSpanEncoder
{
    /// <summary><c>Span.attributes</c>: where every span attribute goes, so attributes can be encoded ahead of their span.</summary>
    public const int AttributesField = 9;

    private const uint HasIsRemote = 0x100;
    private const uint IsRemote = 0x200;

    /// <summary>
    /// The fields of one <c>Span</c> message (without its own tag and length): the activity's own, and the name and
    /// attributes of a gateway span from its <see cref="SpanAttributes"/> when it is ending with some.
    /// </summary>
    public static void WriteSpan(ProtobufWriter writer, Activity activity)
    {
        Span<byte> id = stackalloc byte[16];
        Id(writer, 1, activity.TraceId.ToHexString(), id);
        Id(writer, 2, activity.SpanId.ToHexString(), id);
        if (activity.TraceStateString is { Length: > 0 } traceState)
        {
            writer.String(3, traceState);
        }
        if (activity.ParentSpanId != default)
        {
            Id(writer, 4, activity.ParentSpanId.ToHexString(), id);
        }
        var attributes = SpanAttributes.Of(activity);
        if (attributes is not null)
        {
            attributes.WriteName(writer, 5);
        }
        else
        {
            writer.String(5, activity.DisplayName);
        }
        // SpanKind counts from SPAN_KIND_INTERNAL = 1 where ActivityKind.Internal is 0; the order is the same.
        writer.UInt64(6, (ulong)activity.Kind + 1);
        var start = UnixNano(activity.StartTimeUtc);
        writer.Fixed(7, start);
        writer.Fixed(8, start + (ulong)activity.Duration.Ticks * 100);
        foreach (ref readonly var tag in activity.EnumerateTagObjects())
        {
            OtlpAttribute.Write(writer, AttributesField, tag.Key, tag.Value);
        }
        attributes?.WriteAttributes(writer);
        foreach (ref readonly var e in activity.EnumerateEvents())
        {
            var span = writer.BeginMessage(11);
            writer.Fixed(1, UnixNano(e.Timestamp.UtcDateTime));
            writer.String(2, e.Name);
            foreach (ref readonly var tag in e.EnumerateTagObjects())
            {
                OtlpAttribute.Write(writer, 3, tag.Key, tag.Value);
            }
            writer.EndMessage(span);
        }
        foreach (ref readonly var link in activity.EnumerateLinks())
        {
            var message = writer.BeginMessage(13);
            Id(writer, 1, link.Context.TraceId.ToHexString(), id);
            Id(writer, 2, link.Context.SpanId.ToHexString(), id);
            if (link.Context.TraceState is { Length: > 0 } linkState)
            {
                writer.String(3, linkState);
            }
            foreach (ref readonly var tag in link.EnumerateTagObjects())
            {
                OtlpAttribute.Write(writer, 4, tag.Key, tag.Value);
            }
            writer.Fixed32(6, (uint)link.Context.TraceFlags | HasIsRemote | (link.Context.IsRemote ? IsRemote : 0));
            writer.EndMessage(message);
        }
        if (activity.Status != ActivityStatusCode.Unset)
        {
            var status = writer.BeginMessage(15);
            if (activity.StatusDescription is { Length: > 0 } description)
            {
                writer.String(2, description);
            }
            writer.UInt64(3, activity.Status == ActivityStatusCode.Error ? 2UL : 1UL);
            writer.EndMessage(status);
        }
        writer.Fixed32(16, (uint)activity.ActivityTraceFlags | HasIsRemote | (activity.HasRemoteParent ? IsRemote : 0));
    }

    /// <summary>
    /// An <c>ExportTraceServiceRequest</c> with one resource and one scope around <paramref name="spans"/>: spans
    /// already framed as field 2 of <c>ScopeSpans</c> (tag, length, <see cref="WriteSpan"/>'s bytes).
    /// </summary>
    public static void WriteRequest(ProtobufWriter writer, OtlpResource resource, ReadOnlySpan<byte> spans)
    {
        var resourceSpans = writer.BeginMessage(1);
        resource.WriteResource(writer, 1);
        var scopeSpans = writer.BeginMessage(2);
        resource.WriteScope(writer, 1);
        writer.Raw(spans);
        writer.EndMessage(scopeSpans);
        writer.EndMessage(resourceSpans);
    }

    /// <summary>
    /// Trace and span ids keep only their hex text, and their own CopyTo parses it char by char; the vectorized
    /// parser is several times faster, which counts when every span ends on a request.
    /// </summary>
    private static void Id(ProtobufWriter writer, int field, string hex, Span<byte> scratch)
    {
        var bytes = scratch[..(hex.Length / 2)];
        Convert.FromHexString(hex, bytes, out _, out _);
        writer.Bytes(field, bytes);
    }

    private static ulong UnixNano(DateTime utc) => (ulong)(utc.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
