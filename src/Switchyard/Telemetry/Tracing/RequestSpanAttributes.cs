using System.Diagnostics;
using Switchyard.Billing;
using Switchyard.Relay;
using Switchyard.Telemetry.Otlp;

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

    public override void WriteAttributes(ProtobufWriter writer, int field)
    {
        var (context, record) = (_context!, _record!);
        OtlpAttribute.Write(writer, field, "switchyard.request_id", context.RequestId);
        OtlpAttribute.Write(writer, field, "switchyard.protocol", context.Endpoint);
        OtlpAttribute.Write(writer, field, "gen_ai.operation.name", Operation(context.Endpoint));
        OtlpAttribute.WriteIfSet(writer, field, "gen_ai.request.model", record.RequestedModel);
        OtlpAttribute.WriteIfSet(writer, field, "gen_ai.response.model", record.ServedModel);
        if (context.Route is { } route)
        {
            OtlpAttribute.Write(writer, field, "gen_ai.system", route.Channel.Config.Type);
            OtlpAttribute.Write(writer, field, "switchyard.channel", route.Channel.Name);
        }
        OtlpAttribute.WriteIfSet(writer, field, "switchyard.key", record.KeyName);
        OtlpAttribute.WriteIfSet(writer, field, "switchyard.group", record.Group);
        OtlpAttribute.Write(writer, field, "switchyard.attempts", (long)context.Attempts.Count);
        OtlpAttribute.WriteIfSet(writer, field, "switchyard.fallback_from", context.FallbackFrom);
        WriteUsage(writer, field, record.Usage);
        OtlpAttribute.Write(writer, field, "switchyard.cost_usd", (double)record.CostUsd);
        OtlpAttribute.Write(writer, field, "http.response.status_code", (long)record.Status);
        OtlpAttribute.WriteIfSet(writer, field, "error.type", record.ErrorKind);
    }

    /// <summary>Token usage as the GenAI conventions name it, when the upstream reported any.</summary>
    internal static void WriteUsage(ProtobufWriter writer, int field, TokenUsage usage)
    {
        if (usage.Total > 0)
        {
            OtlpAttribute.Write(writer, field, "gen_ai.usage.input_tokens", usage.Input);
            OtlpAttribute.Write(writer, field, "gen_ai.usage.output_tokens", usage.Output);
        }
    }

    protected override void Clear() => (_context, _record) = (null, null);

    private static string Operation(string endpoint) => endpoint == "embeddings" ? "embeddings" : "chat";
}
