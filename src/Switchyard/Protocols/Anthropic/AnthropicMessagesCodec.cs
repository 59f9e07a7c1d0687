using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Protocols.Anthropic;

/// <summary>
/// The Anthropic Messages API as a client codec: what Claude Code and the Anthropic SDKs send, read into the
/// canonical model, and canonical answers written back in Anthropic's exact shapes.
/// </summary>
public sealed partial class AnthropicMessagesCodec : IClientCodec
{
    public string Name => "anthropic.messages";

    public IClientStreamWriter CreateStreamWriter(ChatRequest request) => new AnthropicEventWriter(Billing.TokenEstimator.Estimate(request));

    public void WriteError(IBufferWriter<byte> output, GatewayError error)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("type", "error");
        writer.WriteStartObject("error");
        writer.WriteString("type", ErrorType(error));
        writer.WriteString("message", error.Message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Anthropic's error types by status, as its API reference lists them; other 4xx are invalid_request_error there too.
    /// 503 is not an Anthropic status, but "overloaded" is what it means to a client that retries.
    /// </summary>
    public static string ErrorType(GatewayError error) => error.Status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        503 or 529 => "overloaded_error",
        504 => "timeout_error",
        _ when error.Kind == GatewayErrorKind.ModelNotAllowed => "permission_error",
        >= 400 and < 500 => "invalid_request_error",
        _ => "api_error",
    };

    internal static string StopReasonName(StopReason reason) => reason switch
    {
        StopReason.MaxTokens => "max_tokens",
        StopReason.StopSequence => "stop_sequence",
        StopReason.ToolUse => "tool_use",
        StopReason.Refusal or StopReason.ContentFilter => "refusal",
        StopReason.PauseTurn => "pause_turn",
        StopReason.ContextWindowExceeded => "model_context_window_exceeded",
        _ => "end_turn",
    };

    internal static void WriteUsage(Utf8JsonWriter writer, Contracts.TokenUsage usage)
    {
        writer.WriteStartObject("usage");
        writer.WriteNumber("input_tokens", Math.Max(0, usage.Input - usage.Cached - usage.CacheWrite));
        writer.WriteNumber("cache_creation_input_tokens", usage.CacheWrite);
        writer.WriteNumber("cache_read_input_tokens", usage.Cached);
        writer.WriteNumber("output_tokens", usage.Output);
        writer.WriteEndObject();
    }
}
