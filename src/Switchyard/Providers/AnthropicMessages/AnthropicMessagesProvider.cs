using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.Anthropic;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.AnthropicMessages;

/// <summary>Anthropic Messages upstreams serving a request that arrived in another protocol (an OpenAI client asking for Claude).</summary>
public sealed partial class AnthropicMessagesProvider : IProviderAdapter
{
    /// <summary>Anthropic requires max_tokens; clients of other protocols may omit it.</summary>
    public const long DefaultMaxTokens = 4096;

    public string Name => "anthropic";

    public string RequestPath(ChatRequest request) => "messages";

    public void AddHeaders(HttpRequestMessage message, string? apiKey)
    {
        if (apiKey is not null)
        {
            message.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        }
        message.Headers.TryAddWithoutValidation("anthropic-version", AnthropicMessagesProtocol.DefaultVersion);
    }

    public IUpstreamStreamParser CreateStreamParser() => new AnthropicEventParser();

    public GatewayError ReadError(int status, ReadOnlySpan<byte> body)
    {
        var generic = UpstreamErrorClassifier.Classify(status, body, "anthropic", passBodyThrough: false);
        if (status is 401 or 403)
        {
            return generic;
        }
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message))
            {
                return generic with { Message = $"Upstream returned status {status}: {message.GetString()}" };
            }
        }
        catch (JsonException)
        {
        }
        return generic;
    }

    public ChatResponse? ReadResponse(ReadOnlySpan<byte> body, out GatewayError? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            var parts = new List<ContentPart>();
            foreach (var block in root.GetProperty("content").EnumerateArray())
            {
                if (ReadBlock(block) is { } part)
                {
                    parts.Add(part);
                }
            }
            AnthropicUsageReader.TryRead(body, out var usage);
            return new ChatResponse(Str(root, "id") ?? "", Str(root, "model") ?? "", parts, StopReasonOf(Str(root, "stop_reason")), usage.ToUsage())
            {
                StopSequence = Str(root, "stop_sequence"),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            error = new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream's answer is not an Anthropic message.");
            return null;
        }
    }

    private static ContentPart? ReadBlock(JsonElement block) => Str(block, "type") switch
    {
        "text" => new TextPart(Str(block, "text") ?? ""),
        "tool_use" => new ToolCallPart(Str(block, "id") ?? "", Str(block, "name") ?? "", block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}"),
        "thinking" => new ThinkingPart(Str(block, "thinking") ?? "", Str(block, "signature")),
        "redacted_thinking" => new RedactedThinkingPart(Str(block, "data") ?? ""),
        _ => null,
    };

    internal static StopReason StopReasonOf(string? reason) => reason switch
    {
        "max_tokens" => StopReason.MaxTokens,
        "model_context_window_exceeded" => StopReason.ContextWindowExceeded,
        "pause_turn" => StopReason.PauseTurn,
        "stop_sequence" => StopReason.StopSequence,
        "tool_use" => StopReason.ToolUse,
        "refusal" => StopReason.Refusal,
        _ => StopReason.EndTurn,
    };
}
