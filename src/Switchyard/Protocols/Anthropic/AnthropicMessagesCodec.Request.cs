using System.Text.Json;
using Switchyard.Protocols.Canonical;
using Switchyard.Relay;
using static Switchyard.Protocols.Canonical.JsonFields;

namespace Switchyard.Protocols.Anthropic;

public sealed partial class AnthropicMessagesCodec
{
    public ChatRequest? ReadRequest(ReadOnlyMemory<byte> body, out RelayError? error) => CanonicalRequestReader.Read(body, Read, out error);

    private static ChatRequest Read(JsonElement root)
    {
        var model = Str(root, "model") ?? throw new InvalidRequestException("model", "model: Field required");
        // Required by /v1/messages, absent from count_tokens; an Anthropic upstream enforces it itself.
        long? max = root.TryGetProperty("max_tokens", out var maxTokens) && maxTokens.TryGetInt64(out var value) ? value : null;
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("messages", "messages: Field required");
        }
        var thinking = root.TryGetProperty("thinking", out var t) && t.ValueKind == JsonValueKind.Object
            ? new ThinkingConfig(Str(t, "type") is "enabled" or "adaptive", t.TryGetProperty("budget_tokens", out var budget) && budget.TryGetInt64(out var b) ? b : null)
            : null;
        return new ChatRequest
        {
            Model = model,
            System = ReadSystem(root),
            Messages = messages.EnumerateArray().Select((m, i) => ReadMessage(m, i)).ToList(),
            Tools = ReadTools(root),
            ToolChoice = ReadToolChoice(root),
            MaxTokens = max,
            StopSequences = root.TryGetProperty("stop_sequences", out var stops) && stops.ValueKind == JsonValueKind.Array
                ? stops.EnumerateArray().Select(s => s.GetString() ?? "").ToList()
                : [],
            Temperature = Double(root, "temperature"),
            TopP = Double(root, "top_p"),
            TopK = root.TryGetProperty("top_k", out var k) && k.TryGetInt32(out var topK) ? topK : null,
            User = root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? Str(metadata, "user_id") : null,
            Thinking = thinking is { Enabled: true } ? thinking : null,
            Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            ClientWantsUsage = true,
        };
    }

    private static List<TextPart> ReadSystem(JsonElement root)
    {
        if (!root.TryGetProperty("system", out var system))
        {
            return [];
        }
        return system.ValueKind switch
        {
            JsonValueKind.String => [new TextPart(system.GetString()!)],
            JsonValueKind.Array => system.EnumerateArray()
                .Where(b => Str(b, "type") == "text")
                .Select(b => new TextPart(Str(b, "text") ?? "") { CacheControl = Clone(b, "cache_control") })
                .ToList(),
            _ => [],
        };
    }

    private static ChatMessage ReadMessage(JsonElement message, int index)
    {
        var role = Str(message, "role") switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            var other => throw new InvalidRequestException($"messages.{index}.role", $"messages.{index}.role: Input should be 'user' or 'assistant', got '{other}'"),
        };
        if (!message.TryGetProperty("content", out var content))
        {
            throw new InvalidRequestException($"messages.{index}.content", $"messages.{index}.content: Field required");
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return new ChatMessage(role, [new TextPart(content.GetString()!)]);
        }
        var parts = new List<ContentPart>();
        var blockIndex = 0;
        foreach (var block in content.EnumerateArray())
        {
            parts.Add(ReadBlock(block, $"messages.{index}.content.{blockIndex++}"));
        }
        return new ChatMessage(role, parts);
    }

    private static ContentPart ReadBlock(JsonElement block, string path)
    {
        switch (Str(block, "type"))
        {
            case "text":
                return new TextPart(Str(block, "text") ?? "") { CacheControl = Clone(block, "cache_control") };
            case "image":
                return ReadSource(block, path, (url, mediaType, data) => new ImagePart(url, mediaType, data) { CacheControl = Clone(block, "cache_control") });
            case "document":
                return ReadSource(block, path, (url, mediaType, data) => mediaType == "text/plain" && url is null
                    ? new DocumentPart(null, mediaType, null, data) { Title = Str(block, "title"), CacheControl = Clone(block, "cache_control") }
                    : new DocumentPart(url, mediaType, data, null) { Title = Str(block, "title"), CacheControl = Clone(block, "cache_control") });
            case "tool_use":
                return new ToolCallPart(Str(block, "id") ?? "", Str(block, "name") ?? "",
                    block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
            case "tool_result":
                return new ToolResultPart(Str(block, "tool_use_id") ?? "", ReadToolResultContent(block, path),
                    block.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True)
                { CacheControl = Clone(block, "cache_control") };
            case "thinking":
                return new ThinkingPart(Str(block, "thinking") ?? "", Str(block, "signature"));
            case "redacted_thinking":
                return new RedactedThinkingPart(Str(block, "data") ?? "");
            case var other:
                throw new InvalidRequestException(path, $"{path}: content blocks of type '{other}' can be served only by an Anthropic channel");
        }
    }

    private static List<ContentPart> ReadToolResultContent(JsonElement block, string path)
    {
        if (!block.TryGetProperty("content", out var content))
        {
            return [];
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextPart(content.GetString()!)];
        }
        return content.ValueKind == JsonValueKind.Array
            ? content.EnumerateArray().Select((b, i) => ReadBlock(b, $"{path}.content.{i}")).ToList()
            : [];
    }

    private static ContentPart ReadSource(JsonElement block, string path, Func<string?, string?, string?, ContentPart> make)
    {
        if (!block.TryGetProperty("source", out var source))
        {
            throw new InvalidRequestException(path, $"{path}.source: Field required");
        }
        return Str(source, "type") switch
        {
            "base64" => make(null, Str(source, "media_type"), Str(source, "data")),
            "url" => make(Str(source, "url"), null, null),
            "text" => make(null, "text/plain", Str(source, "data")),
            var other => throw new InvalidRequestException(path, $"{path}.source: sources of type '{other}' can be served only by an Anthropic channel"),
        };
    }

    private static List<ToolDefinition> ReadTools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var result = new List<ToolDefinition>();
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            if (Str(tool, "type") is { } type && type != "custom")
            {
                throw new InvalidRequestException($"tools.{index}", $"tools.{index}: the server tool '{type}' can be served only by an Anthropic channel");
            }
            result.Add(new ToolDefinition(Str(tool, "name") ?? "", Str(tool, "description"), Clone(tool, "input_schema")));
            index++;
        }
        return result;
    }

    private static ToolChoice? ReadToolChoice(JsonElement root)
    {
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var kind = Str(choice, "type") switch
        {
            "any" => ToolChoiceKind.Any,
            "tool" => ToolChoiceKind.Tool,
            "none" => ToolChoiceKind.None,
            _ => ToolChoiceKind.Auto,
        };
        return new ToolChoice(kind, Str(choice, "name"))
        {
            DisableParallel = choice.TryGetProperty("disable_parallel_tool_use", out var disable) && disable.ValueKind == JsonValueKind.True,
        };
    }
}
