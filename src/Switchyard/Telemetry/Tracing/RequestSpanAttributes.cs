using System.Diagnostics;
using Switchyard.Billing;
using Switchyard.Relay;
using Switchyard.Telemetry.Otlp;
using Keys = Switchyard.Telemetry.Tracing.SpanAttributeKeys;

namespace Switchyard.Telemetry.Tracing;

/// <summary>The server span of one client request: GenAI attributes plus the gateway's own (key, group, channel, cost).</summary>
public sealed class RequestSpanAttributes : SpanAttributes
{
    [ThreadStatic]
    private static RequestSpanAttributes? t_instance;

    private RelayContext? _context;
    private UsageRecord? _record;

    public static void End(Activity activity, RelayContext context, UsageRecord record)
    {
        var attributes = t_instance ??= new RequestSpanAttributes();
        attributes._context = context;
        attributes._record = record;
        attributes.End(activity);
    }

    public override void WriteName(ProtobufWriter writer, int field)
    {
        var (context, record) = (_context!, _record!);
        if (record.RequestedModel is { } model)
        {
            writer.String(field, context.Endpoint == "embeddings" ? "embeddings " : "chat ", model);
        }
        else
        {
            writer.String(field, context.Endpoint);
        }
    }

    public override void WriteAttributes(ProtobufWriter writer)
    {
        const int field = OtlpSpanEncoder.AttributesField;
        var (context, record) = (_context!, _record!);
        OtlpAttribute.Write(writer, field, Keys.RequestId, context.RequestId);
        OtlpAttribute.Write(writer, field, Keys.Protocol, context.Endpoint);
        OtlpAttribute.Write(writer, field, Keys.Operation, Operation(context.Endpoint));
        OtlpAttribute.WriteIfSet(writer, field, Keys.RequestModel, record.RequestedModel);
        OtlpAttribute.WriteIfSet(writer, field, Keys.ResponseModel, record.ServedModel);
        if (context.Route is { } route)
        {
            writer.Raw(RouteSpanAttributes.Of(route).Request);
        }
        OtlpAttribute.WriteIfSet(writer, field, Keys.Key, record.KeyName);
        OtlpAttribute.WriteIfSet(writer, field, Keys.Group, record.Group);
        OtlpAttribute.Write(writer, field, Keys.Attempts, (long)context.Attempts.Count);
        OtlpAttribute.WriteIfSet(writer, field, Keys.FallbackFrom, context.FallbackFrom);
        WriteUsage(writer, record.Usage);
        OtlpAttribute.Write(writer, field, Keys.CostUsd, (double)record.CostUsd);
        OtlpAttribute.Write(writer, field, Keys.StatusCode, (long)record.Status);
        OtlpAttribute.WriteIfSet(writer, field, Keys.ErrorType, record.ErrorKind);
    }

    /// <summary>Token usage as the GenAI conventions name it, when the upstream reported any.</summary>
    internal static void WriteUsage(ProtobufWriter writer, TokenUsage usage)
    {
        if (usage.Total > 0)
        {
            OtlpAttribute.Write(writer, OtlpSpanEncoder.AttributesField, Keys.InputTokens, usage.Input);
            OtlpAttribute.Write(writer, OtlpSpanEncoder.AttributesField, Keys.OutputTokens, usage.Output);
        }
    }

    protected override void Clear() => (_context, _record) = (null, null);

    private static string Operation(string endpoint) => endpoint == "embeddings" ? "embeddings" : "chat";
}
