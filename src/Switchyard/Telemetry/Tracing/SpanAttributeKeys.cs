using Switchyard.Telemetry.Otlp;

namespace Switchyard.Telemetry.Tracing;

/// <summary>The names of the gateway's span attributes: OpenTelemetry GenAI and HTTP conventions, then its own.</summary>
internal static class SpanAttributeKeys
{
    public static readonly OtlpAttributeKey Operation = new("gen_ai.operation.name");
    public static readonly OtlpAttributeKey System = new("gen_ai.system");
    public static readonly OtlpAttributeKey RequestModel = new("gen_ai.request.model");
    public static readonly OtlpAttributeKey ResponseModel = new("gen_ai.response.model");
    public static readonly OtlpAttributeKey InputTokens = new("gen_ai.usage.input_tokens");
    public static readonly OtlpAttributeKey OutputTokens = new("gen_ai.usage.output_tokens");
    public static readonly OtlpAttributeKey StatusCode = new("http.response.status_code");
    public static readonly OtlpAttributeKey ErrorType = new("error.type");
    public static readonly OtlpAttributeKey ServerAddress = new("server.address");
    public static readonly OtlpAttributeKey ServerPort = new("server.port");
    public static readonly OtlpAttributeKey RequestId = new("switchyard.request_id");
    public static readonly OtlpAttributeKey Protocol = new("switchyard.protocol");
    public static readonly OtlpAttributeKey Channel = new("switchyard.channel");
    public static readonly OtlpAttributeKey Key = new("switchyard.key");
    public static readonly OtlpAttributeKey Group = new("switchyard.group");
    public static readonly OtlpAttributeKey Attempts = new("switchyard.attempts");
    public static readonly OtlpAttributeKey Attempt = new("switchyard.attempt");
    public static readonly OtlpAttributeKey Fallback = new("switchyard.fallback");
    public static readonly OtlpAttributeKey FallbackFrom = new("switchyard.fallback_from");
    public static readonly OtlpAttributeKey CostUsd = new("switchyard.cost_usd");
}
