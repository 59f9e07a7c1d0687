using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.OpenAiCompatible;

/// <summary>
/// OpenAI Chat Completions upstreams (OpenAI, DeepSeek, Qwen, Kuaishou Wanqing, vLLM, Ollama) serving a request
/// that arrived in another protocol.
/// </summary>
public sealed partial class OpenAiCompatibleProvider : IProviderAdapter
{
    public string Name => "openai";

    /// <summary>
    /// Whether enabled thinking is sent as <c>reasoning_effort</c>. Reasoning models take it, but some upstreams
    /// answer 400 "reasoning_effort is not supported with this model" (non-reasoning models on Groq or Cerebras,
    /// for one): turn it off for channels that serve such models.
    /// </summary>
    public bool SendReasoningEffort { get; init; } = true;

    /// <summary>
    /// Whether a thinking budget (from Anthropic or Gemini clients) is turned into <c>reasoning_effort</c>. Off by
    /// default: Claude Code always enables thinking, and OpenAI answers 400 to <c>reasoning_effort</c> on
    /// non-reasoning models such as gpt-4o; an effort the client asked for explicitly is always sent.
    /// </summary>
    public bool DeriveReasoningEffortFromBudget { get; init; }

    public string RequestPath(ChatRequest request) => "chat/completions";

    public void AddHeaders(HttpRequestMessage message, string? apiKey)
    {
        if (apiKey is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public IUpstreamStreamParser CreateStreamParser() => new OpenAiChunkParser();

    /// <summary>
    /// 401/403 concern the channel's key, not the client's, so they become a 502 that says so and lets the relay try
    /// another key or channel. Other statuses are kept, with the upstream's own message and code when it gives them;
    /// 408, 429 and 5xx may be retried elsewhere.
    /// </summary>
    public GatewayError ReadError(int status, ReadOnlySpan<byte> body)
    {
        if (status is 401 or 403)
        {
            return new GatewayError(GatewayErrorKind.UpstreamError, 502, $"The upstream channel rejected its credentials (status {status}).", AllowFallback: true)
            { Code = "upstream_auth_failed" };
        }
        var generic = UpstreamErrorClassifier.Classify(status, body, "openai", passBodyThrough: false);
        if (UpstreamError(body) is not { } upstream)
        {
            return generic;
        }
        return generic with { Message = $"Upstream returned status {status}: {upstream.Message}", Code = upstream.Code };
    }

    private static (string Message, string? Code)? UpstreamError(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            if (!document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object
                || Str(error, "message") is not { } message)
            {
                return null;
            }
            // Some compatible servers send numeric codes; only OpenAI's string codes mean something to a client.
            return (message, Str(error, "code"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public ChatResponse? ReadResponse(ReadOnlySpan<byte> body, out GatewayError? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (!root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                error = NotACompletion;
                return null;
            }
            var choice = choices[0];
            var message = choice.GetProperty("message");
            var parts = new List<ContentPart>();
            if (ReasoningText(message) is { Length: > 0 } reasoning)
            {
                parts.Add(new ThinkingPart(reasoning, null));
            }
            if (ContentText(message) is { Length: > 0 } text)
            {
                parts.Add(new TextPart(text));
            }
            var refused = false;
            if (Str(message, "refusal") is { Length: > 0 } refusal)
            {
                // The refusal is what the model said; canonical answers have no separate place for it.
                parts.Add(new TextPart(refusal));
                refused = true;
            }
            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    if (call.TryGetProperty("function", out var function))
                    {
                        parts.Add(new ToolCallPart(Str(call, "id") ?? "", Str(function, "name") ?? "", Str(function, "arguments") ?? "{}"));
                    }
                }
            }
            OpenAiUsageReader.TryRead(body, out var usage, out _);
            var stop = refused && Str(choice, "finish_reason") is null or "stop" ? StopReason.Refusal : StopReasonOf(Str(choice, "finish_reason"));
            return new ChatResponse(Str(root, "id") ?? "", Str(root, "model") ?? "", parts, stop, usage);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            error = NotACompletion;
            return null;
        }
    }

    private static readonly GatewayError NotACompletion = new(GatewayErrorKind.UpstreamError, 502, "The upstream's answer is not a chat completion.");

    /// <summary>The message text: a string, or text parts as a few compatible servers send.</summary>
    private static string? ContentText(JsonElement message)
    {
        if (!message.TryGetProperty("content", out var content))
        {
            return null;
        }
        return content.ValueKind switch
        {
            JsonValueKind.String => content.GetString(),
            JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => Str(p, "text"))),
            _ => null,
        };
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
