using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Switchyard.Protocols.Canonical;
using Switchyard.Protocols.OpenAi;
using Switchyard.Relay;
using static Switchyard.Protocols.Canonical.JsonFields;

namespace Switchyard.Providers.OpenAiCompatible;

/// <summary>
/// OpenAI Chat Completions upstreams (OpenAI, DeepSeek, Qwen, Kuaishou Wanqing, vLLM, Ollama) serving a request
/// that arrived in another protocol.
/// </summary>
public sealed partial class OpenAiCompatibleProvider : IProviderAdapter
{
    public string Name => "openai";

    public string RequestPath(ChatRequest request) => "chat/completions";

    public void AddHeaders(HttpRequestMessage message, string? apiKey)
    {
        if (apiKey is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public IUpstreamStreamParser CreateStreamParser() => new OpenAiChunkParser();

    public RelayError ReadError(int status, ReadOnlySpan<byte> body)
    {
        var generic = UpstreamCall.Classify(status, body, "openai", passBodyThrough: false);
        if (status is 401 or 403 || UpstreamMessage(body) is not { } message)
        {
            return generic;
        }
        return generic with { Message = $"Upstream returned status {status}: {message}" };
    }

    private static string? UpstreamMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message) ? message.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public ChatResponse? ReadResponse(ReadOnlySpan<byte> body, out RelayError? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            var choice = root.GetProperty("choices")[0];
            var message = choice.GetProperty("message");
            var parts = new List<ContentPart>();
            if (ReasoningText(message) is { Length: > 0 } reasoning)
            {
                parts.Add(new ThinkingPart(reasoning, null));
            }
            if (message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
            {
                parts.Add(new TextPart(text));
            }
            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var function = call.GetProperty("function");
                    parts.Add(new ToolCallPart(Str(call, "id") ?? "", Str(function, "name") ?? "", Str(function, "arguments") ?? "{}"));
                }
            }
            OpenAiUsageReader.TryRead(body, out var usage, out _);
            return new ChatResponse(Str(root, "id") ?? "", Str(root, "model") ?? "", parts, StopReasonOf(Str(choice, "finish_reason")), usage);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            error = new RelayError(RelayErrorKind.UpstreamError, 502, "The upstream's answer is not a chat completion.");
            return null;
        }
    }

    /// <summary>DeepSeek's <c>reasoning_content</c>, or vLLM's <c>reasoning</c>.</summary>
    internal static string? ReasoningText(JsonElement message) =>
        Str(message, "reasoning_content") ?? Str(message, "reasoning");

    internal static StopReason StopReasonOf(string? finishReason) => finishReason switch
    {
        "length" => StopReason.MaxTokens,
        "tool_calls" or "function_call" => StopReason.ToolUse,
        "content_filter" => StopReason.ContentFilter,
        _ => StopReason.EndTurn,
    };
}
