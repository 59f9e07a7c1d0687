using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Providers.OpenAiCompatible;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.OpenAiResponses;

/// <summary>
/// OpenAI's Responses API as the upstream of a request that arrived in another protocol, for <c>openai</c> channels
/// marked <c>responses: true</c>: reasoning models answer there with reasoning summaries, and some models only there.
/// Nothing is stored upstream (<c>store: false</c>): every request carries its whole conversation.
/// </summary>
public sealed partial class ResponsesProvider : IProviderAdapter
{
    /// <summary>Looked up by the relay for <c>openai</c> channels with <c>responses: true</c>.</summary>
    public const string ProviderName = "openai.responses";

    private static readonly OpenAiCompatibleProvider ChatErrors = new();

    public string Name => ProviderName;

    public string RequestPath(ChatRequest request) => "responses";

    public void AddHeaders(HttpRequestMessage message, string? apiKey) => ChatErrors.AddHeaders(message, apiKey);

    /// <summary>The Responses API reports errors in the same shape and with the same statuses as chat completions.</summary>
    public GatewayError ReadError(int status, ReadOnlySpan<byte> body) => ChatErrors.ReadError(status, body);

    public IUpstreamStreamParser CreateStreamParser() => new ResponsesEventParser();

    public ChatResponse? ReadResponse(ReadOnlySpan<byte> body, out GatewayError? error)
    {
        error = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            if (Str(root, "object") != "response" || !root.TryGetProperty("output", out var output) || output.ValueKind != JsonValueKind.Array)
            {
                error = NotAResponse;
                return null;
            }
            if (Str(root, "status") == "failed")
            {
                error = Failure(root);
                return null;
            }
            var content = new List<ContentPart>();
            foreach (var item in output.EnumerateArray())
            {
                AddItem(item, content);
            }
            OpenAiUsageReader.TryRead(body, out var usage, out _);
            return new ChatResponse(Str(root, "id") ?? "", Str(root, "model") ?? "", content, StopReasonOf(root, content), usage);
        }
        catch (JsonException)
        {
            error = NotAResponse;
            return null;
        }
    }

    private static readonly GatewayError NotAResponse = new(GatewayErrorKind.UpstreamError, 502, "The upstream's answer is not a Response object.");

    /// <summary>A failed Response's <c>error</c>; rate limits may be retried elsewhere, as may server errors.</summary>
    internal static GatewayError Failure(JsonElement response)
    {
        var error = response.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        var code = Str(error, "code");
        var message = Str(error, "message") ?? "The upstream failed to generate a response.";
        return code == "rate_limit_exceeded"
            ? new GatewayError(GatewayErrorKind.RateLimited, 429, message, AllowFallback: true) { Code = code }
            : new GatewayError(GatewayErrorKind.UpstreamError, 502, message, AllowFallback: true) { Code = code };
    }

    /// <summary>Output items as canonical parts: reasoning shows its summary (OpenAI keeps the rest), message text, function calls.</summary>
    private static void AddItem(JsonElement item, List<ContentPart> content)
    {
        switch (Str(item, "type"))
        {
            case "reasoning":
                if (SummaryText(item) is { Length: > 0 } summary)
                {
                    content.Add(new ThinkingPart(summary, null));
                }
                break;
            case "message" when item.TryGetProperty("content", out var parts) && parts.ValueKind == JsonValueKind.Array:
                foreach (var part in parts.EnumerateArray())
                {
                    if ((Str(part, "type") == "refusal" ? Str(part, "refusal") : Str(part, "text")) is { Length: > 0 } text)
                    {
                        content.Add(new TextPart(text));
                    }
                }
                break;
            case "function_call":
                content.Add(new ToolCallPart(Str(item, "call_id") ?? Str(item, "id") ?? "", Str(item, "name") ?? "", Str(item, "arguments") ?? "{}"));
                break;
            default:
                break;
        }
    }

    internal static string SummaryText(JsonElement item) =>
        item.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Array
            ? string.Join("\n\n", summary.EnumerateArray().Select(p => Str(p, "text")).OfType<string>())
            : "";

    internal static StopReason StopReasonOf(JsonElement response, IReadOnlyList<ContentPart> content)
    {
        if (Str(response, "status") == "incomplete")
        {
            var reason = response.TryGetProperty("incomplete_details", out var details) ? Str(details, "reason") : null;
            return reason == "content_filter" ? StopReason.ContentFilter : StopReason.MaxTokens;
        }
        return content.Any(p => p is ToolCallPart) ? StopReason.ToolUse : StopReason.EndTurn;
    }

    internal static TokenUsage UsageOf(ReadOnlySpan<byte> response) =>
        OpenAiUsageReader.TryRead(response, out var usage, out _) ? usage : default;
}
