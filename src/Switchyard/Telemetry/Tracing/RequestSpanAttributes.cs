using System.Diagnostics;
using Switchyard.Contracts;
using Switchyard.Telemetry.Otlp;
using Keys = Switchyard.Telemetry.Tracing.SpanAttributeKeys;

namespace Switchyard.Telemetry.Tracing;

/// <summary>The server span of one client request: GenAI attributes plus the gateway's own (key, group, channel, cost).</summary>
internal sealed class RequestSpanAttributes : SpanAttributes
{
    [ThreadStatic]
    private static RequestSpanAttributes? t_instance;

    private FinishedRequest _finished;

    public static void End(Activity activity, in FinishedRequest finished)
    {
        var attributes = t_instance ??= new RequestSpanAttributes();
        attributes._finished = finished;
        attributes.End(activity);
    }

    public override void WriteName(ProtobufWriter writer, int field)
    {
        var record = _finished.Record;
        if (record.RequestedModel is { } model)
        {
            writer.String(field, record.Endpoint == "embeddings" ? "embeddings " : "chat ", model);
        }
        else
        {
            writer.String(field, record.Endpoint);
        }
    }

    public override void WriteAttributes(ProtobufWriter writer)
    {
        const int field = OtlpSpanEncoder.AttributesField;
        var record = _finished.Record;
        OtlpAttribute.Write(writer, field, Keys.RequestId, record.RequestId);
        OtlpAttribute.Write(writer, field, Keys.Protocol, record.Endpoint);
        OtlpAttribute.Write(writer, field, Keys.Operation, Operation(record.Endpoint));
        OtlpAttribute.WriteIfSet(writer, field, Keys.RequestModel, record.RequestedModel);
        OtlpAttribute.WriteIfSet(writer, field, Keys.ResponseModel, record.ServedModel);
        if (_finished.Route is { } route)
        {
            writer.Raw(RouteSpanAttributes.Of(route).Request);
        }
        OtlpAttribute.WriteIfSet(writer, field, Keys.Key, record.KeyName);
        OtlpAttribute.WriteIfSet(writer, field, Keys.Group, record.Group);
        OtlpAttribute.Write(writer, field, Keys.Attempts, (long)_finished.Attempts);
        OtlpAttribute.WriteIfSet(writer, field, Keys.FallbackFrom, _finished.FallbackFrom);
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

    protected override void Clear() => _finished = default;

    private static string Operation(string endpoint) => endpoint == "embeddings" ? "embeddings" : "chat";
}
