using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;

namespace Switchyard.Providers.AnthropicMessages;

public sealed partial class AnthropicMessagesProvider
{
    public void WriteRequest(IBufferWriter<byte> output, ChatRequest request, string upstreamModel)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("model", upstreamModel);
        // Anthropic refuses extended thinking together with a forced tool choice; the client's tool choice wins.
        var forcedTool = request.ToolChoice?.Kind is ToolChoiceKind.Any or ToolChoiceKind.Tool;
        var budget = request.Thinking is { Enabled: true } thinking && !forcedTool ? Budget(thinking) : (long?)null;
        var max = request.MaxTokens ?? DefaultMaxTokens;
        // Anthropic requires max_tokens above the thinking budget; room for the answer is kept on top of it.
        writer.WriteNumber("max_tokens", budget is { } b && max <= b ? b + DefaultMaxTokens : max);
        var system = request.System.Where(p => p.Text.Length > 0).ToList();
        if (system is [{ CacheControl: null } only])
        {
            writer.WriteString("system", only.Text);
        }
        else if (system.Count > 0)
        {
            writer.WriteStartArray("system");
            foreach (var part in system)
            {
                WriteText(writer, part);
            }
            writer.WriteEndArray();
        }
        writer.WriteStartArray("messages");
        foreach (var message in request.Messages)
        {
            var blocks = message.Content.Where(Keep).ToList();
            if (blocks.Count == 0)
            {
                continue;
            }
            writer.WriteStartObject();
            writer.WriteString("role", message.Role == ChatRole.Assistant ? "assistant" : "user");
            writer.WriteStartArray("content");
            foreach (var block in blocks)
            {
                WriteBlock(writer, block);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        WriteTools(writer, request);
        if (request.StopSequences.Count > 0)
        {
            writer.WriteStartArray("stop_sequences");
            foreach (var stop in request.StopSequences)
            {
                writer.WriteStringValue(stop);
            }
            writer.WriteEndArray();
        }
        // With thinking on, Anthropic rejects a temperature other than 1 and any top_k / low top_p: sampling is left to it.
        if (budget is null)
        {
            if (request.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature", Math.Min(1.0, temperature));
            }
            if (request.TopP is { } topP)
            {
                writer.WriteNumber("top_p", topP);
            }
            if (request.TopK is { } topK)
            {
                writer.WriteNumber("top_k", topK);
            }
        }
        if (request.User is { } user)
        {
            writer.WriteStartObject("metadata");
            writer.WriteString("user_id", user);
            writer.WriteEndObject();
        }
        if (JsonSchemaOf(request.ResponseFormat) is { } schema)
        {
            // Anthropic's structured outputs constrain the answer as OpenAI's json_schema and Gemini's
            // responseJsonSchema do; clients that parse the answer (Gemini CLI's model router) depend on it.
            writer.WriteStartObject("output_config");
            writer.WriteStartObject("format");
            writer.WriteString("type", "json_schema");
            writer.WritePropertyName("schema");
            schema.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        if (budget is not null && request.Thinking is { Adaptive: true, BudgetTokens: null })
        {
            writer.WriteStartObject("thinking");
            writer.WriteString("type", "adaptive");
            writer.WriteEndObject();
        }
        else if (budget is { } thinkingBudget)
        {
            writer.WriteStartObject("thinking");
            writer.WriteString("type", "enabled");
            writer.WriteNumber("budget_tokens", thinkingBudget);
            writer.WriteEndObject();
        }
        if (request.Stream)
        {
            writer.WriteBoolean("stream", true);
        }
        writer.WriteEndObject();
    }

    /// <summary>The schema of OpenAI's <c>response_format: {type: json_schema}</c>; Anthropic has no schemaless JSON mode.</summary>
    private static JsonElement? JsonSchemaOf(JsonElement? format) =>
        format is { ValueKind: JsonValueKind.Object } f && f.TryGetProperty("type", out var type) && type.ValueEquals("json_schema")
            && f.TryGetProperty("json_schema", out var spec) && spec.ValueKind == JsonValueKind.Object
            && spec.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object
            ? schema : null;

    /// <summary>OpenAI's effort levels as Anthropic budgets (Anthropic's minimum is 1024).</summary>
    private static long Budget(ThinkingConfig thinking) => thinking.BudgetTokens ?? thinking.Effort switch
    {
        "high" => 16384,
        "medium" => 4096,
        _ => 1024,
    };

    /// <summary>
    /// Empty or whitespace-only text is rejected by Anthropic; thinking without a signature came from another provider family and
    /// would fail signature checks, so it is dropped rather than corrupted.
    /// </summary>
    private static bool Keep(ContentPart part) => part switch
    {
        TextPart text => !string.IsNullOrWhiteSpace(text.Text),
        ThinkingPart thinking => !string.IsNullOrEmpty(thinking.Signature),
        _ => true,
    };

    private static void WriteTools(Utf8JsonWriter writer, ChatRequest request)
    {
        if (request.Tools.Count == 0 && request.HostedTools.Count == 0)
        {
            return;
        }
        writer.WriteStartArray("tools");
        foreach (var hosted in request.HostedTools)
        {
            if (hosted.Kind == "web_search")
            {
                WriteWebSearch(writer, hosted.Spec);
            }
        }
        foreach (var tool in request.Tools)
        {
            writer.WriteStartObject();
            writer.WriteString("name", tool.Name);
            if (tool.Description is { } description)
            {
                writer.WriteString("description", description);
            }
            writer.WritePropertyName("input_schema");
            if (tool.Parameters is { } schema)
            {
                schema.WriteTo(writer);
            }
            else
            {
                writer.WriteRawValue("""{"type":"object"}""");
            }
            WriteCacheControl(writer, tool.CacheControl);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        if (request.ToolChoice is { } choice)
        {
            writer.WriteStartObject("tool_choice");
            writer.WriteString("type", choice.Kind switch
            {
                ToolChoiceKind.Any => "any",
                ToolChoiceKind.Tool => "tool",
                ToolChoiceKind.None => "none",
                _ => "auto",
            });
            if (choice.Kind == ToolChoiceKind.Tool && choice.Name is { } name)
            {
                writer.WriteString("name", name);
            }
            if (choice.DisableParallel && choice.Kind != ToolChoiceKind.None)
            {
                writer.WriteBoolean("disable_parallel_tool_use", true);
            }
            writer.WriteEndObject();
        }
    }

    /// <summary>
    /// The Responses API's web_search as Anthropic's server web search tool: its domain filter and approximate
    /// location have the same meaning there. Anthropic searches the live web; Codex's <c>external_web_access: false</c>
    /// (cached results only) has no equivalent, which is why a channel must allow the mapping explicitly.
    /// </summary>
    private static void WriteWebSearch(Utf8JsonWriter writer, JsonElement spec)
    {
        writer.WriteStartObject();
        writer.WriteString("type", WebSearchToolType);
        writer.WriteString("name", "web_search");
        if (spec.TryGetProperty("filters", out var filters) && filters.ValueKind == JsonValueKind.Object
            && filters.TryGetProperty("allowed_domains", out var domains) && domains.ValueKind == JsonValueKind.Array && domains.GetArrayLength() > 0)
        {
            writer.WritePropertyName("allowed_domains");
            domains.WriteTo(writer);
        }
        if (spec.TryGetProperty("user_location", out var location) && location.ValueKind == JsonValueKind.Object)
        {
            writer.WriteStartObject("user_location");
            writer.WriteString("type", "approximate");
            foreach (var field in (ReadOnlySpan<string>)["city", "region", "country", "timezone"])
            {
                if (JsonFields.Str(location, field) is { } value)
                {
                    writer.WriteString(field, value);
                }
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>Anthropic's server web search tool version (generally available).</summary>
    public const string WebSearchToolType = "web_search_20250305";

    public bool CanHost(HostedTool tool) => tool.Kind == "web_search";

    private static void WriteText(Utf8JsonWriter writer, TextPart text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", text.Text);
        WriteCacheControl(writer, text.CacheControl);
        writer.WriteEndObject();
    }

    private static void WriteCacheControl(Utf8JsonWriter writer, JsonElement? cacheControl)
    {
        if (cacheControl is { } value)
        {
            writer.WritePropertyName("cache_control");
            value.WriteTo(writer);
        }
    }

    private static void WriteBlock(Utf8JsonWriter writer, ContentPart part)
    {
        switch (part)
        {
            case TextPart text:
                WriteText(writer, text);
                return;
            case ImagePart image:
                writer.WriteStartObject();
                writer.WriteString("type", "image");
                WriteSource(writer, image.Url, image.MediaType, image.Data);
                WriteCacheControl(writer, image.CacheControl);
                writer.WriteEndObject();
                return;
            case DocumentPart document:
                writer.WriteStartObject();
                writer.WriteString("type", "document");
                if (document.Text is { } documentText)
                {
                    writer.WriteStartObject("source");
                    writer.WriteString("type", "text");
                    writer.WriteString("media_type", "text/plain");
                    writer.WriteString("data", documentText);
                    writer.WriteEndObject();
                }
                else
                {
                    WriteSource(writer, document.Url, document.MediaType, document.Data);
                }
                if (document.Title is { } title)
                {
                    writer.WriteString("title", title);
                }
                WriteCacheControl(writer, document.CacheControl);
                writer.WriteEndObject();
                return;
            case ToolCallPart call:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_use");
                writer.WriteString("id", call.Id);
                writer.WriteString("name", call.Name);
                JsonText.WriteObject(writer, "input", call.Arguments);
                writer.WriteEndObject();
                return;
            case ToolResultPart result:
                writer.WriteStartObject();
                writer.WriteString("type", "tool_result");
                writer.WriteString("tool_use_id", result.ToolCallId);
                var content = result.Content.Where(Keep).ToList();
                if (content is [TextPart single])
                {
                    writer.WriteString("content", single.Text);
                }
                else
                {
                    writer.WriteStartArray("content");
                    foreach (var inner in content)
                    {
                        WriteBlock(writer, inner);
                    }
                    writer.WriteEndArray();
                }
                if (result.IsError)
                {
                    writer.WriteBoolean("is_error", true);
                }
                WriteCacheControl(writer, result.CacheControl);
                writer.WriteEndObject();
                return;
            case ThinkingPart thinking:
                writer.WriteStartObject();
                writer.WriteString("type", "thinking");
                writer.WriteString("thinking", thinking.Text);
                writer.WriteString("signature", thinking.Signature);
                writer.WriteEndObject();
                return;
            case RedactedThinkingPart redacted:
                writer.WriteStartObject();
                writer.WriteString("type", "redacted_thinking");
                writer.WriteString("data", redacted.Data);
                writer.WriteEndObject();
                return;
            default:
                return;
        }
    }

    private static void WriteSource(Utf8JsonWriter writer, string? url, string? mediaType, string? data)
    {
        writer.WriteStartObject("source");
        if (url is not null)
        {
            writer.WriteString("type", "url");
            writer.WriteString("url", url);
        }
        else
        {
            writer.WriteString("type", "base64");
            writer.WriteString("media_type", mediaType);
            writer.WriteString("data", data);
        }
        writer.WriteEndObject();
    }
}
