using System.Diagnostics;
using Switchyard.Contracts;
using Switchyard.Routing;
using Switchyard.Telemetry.Otlp;
using Keys = Switchyard.Telemetry.Tracing.SpanAttributeKeys;

namespace Switchyard.Telemetry.Tracing;

/// <summary>The client span of one upstream attempt: where it went, which attempt it was, what came back.</summary>
internal sealed class AttemptSpanAttributes : SpanAttributes
{
    [ThreadStatic]
    private static AttemptSpanAttributes? t_instance;

    private ChannelRoute? _route;
    private int _number;
    private bool _fallback;
    private int _status;
    private string? _errorKind;
    private TokenUsage _usage;

    public static void End(Activity activity, ChannelRoute route, int number, bool fallback, int status, string? errorKind, TokenUsage usage)
    {
        var attributes = t_instance ??= new AttemptSpanAttributes();
        (attributes._route, attributes._number, attributes._fallback) = (route, number, fallback);
        (attributes._status, attributes._errorKind, attributes._usage) = (status, errorKind, usage);
        attributes.End(activity);
    }

    public override void WriteName(ProtobufWriter writer, int field) => writer.String(field, "chat ", _route!.UpstreamModel);

    public override void WriteAttributes(ProtobufWriter writer)
    {
        const int field = OtlpSpanEncoder.AttributesField;
        var route = RouteSpanAttributes.Of(_route!);
        writer.Raw(route.Attempt);
        OtlpAttribute.Write(writer, field, Keys.Attempt, (long)_number);
        OtlpAttribute.Write(writer, field, Keys.Fallback, _fallback);
        OtlpAttribute.Write(writer, field, Keys.StatusCode, (long)_status);
        if (_errorKind is null)
        {
            writer.Raw(route.AttemptAnswered);
            RequestSpanAttributes.WriteUsage(writer, _usage);
        }
        else
        {
            OtlpAttribute.Write(writer, field, Keys.ErrorType, _errorKind);
        }
    }

    protected override void Clear() => (_route, _errorKind, _usage) = (null, null, default);
}
