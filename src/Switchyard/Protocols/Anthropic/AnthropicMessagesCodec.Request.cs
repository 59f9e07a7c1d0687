using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Protocols.Anthropic;

public sealed partial class AnthropicMessagesCodec
{
    public ChatRequest? ReadRequest(ReadOnlyMemory<byte> body, out GatewayError? error) => CanonicalRequestReader.Read(body, Read, out error);

    private static ChatRequest Read(JsonElement root)
    {
        var model = Str(root, "model") ?? throw new InvalidRequestException("model", "model: Field required");
        // Required by /v1/messages, absent from count_tokens (which shares this codec); an Anthropic upstream enforces it itself.
        var max = Integer(root, "max_tokens");
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("messages", "messages: Field required");
        }
        var thinking = root.TryGetProperty("thinking", out var t) && t.ValueKind == JsonValueKind.Object
            ? new ThinkingConfig(Str(t, "type") is "enabled" or "adaptive", Integer(t, "budget_tokens", "thinking.budget_tokens"),
                root.TryGetProperty("output_config", out var config) ? Str(config, "effort") : null)
            { Adaptive = Str(t, "type") == "adaptive" }
            : null;
        var system = ReadSystem(root);
        var turns = new List<ChatMessage>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            ReadMessage(message, index++, turns, system);
        }
        return new ChatRequest
        {
            Model = model,
            System = system,
            Messages = turns,
            Tools = ReadTools(root),
            ToolChoice = ReadToolChoice(root),
            MaxTokens = max,
            StopSequences = ReadStopSequences(root),
            Temperature = Number(root, "temperature"),
            TopP = Number(root, "top_p"),
            TopK = Integer(root, "top_k") is { } topK ? (int)Math.Clamp(topK, int.MinValue, int.MaxValue) : null,
            User = root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? Str(metadata, "user_id") : null,
            Thinking = thinking is { Enabled: true } ? thinking : null,
            Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            ClientWantsUsage = true,
        };
    }

    /// <summary>
    /// An optional integer: absent or null is null, anything but a whole number is the client's 400 (read unchecked,
    /// a string here would throw out of the codec instead of answering).
    /// </summary>
    private static long? Integer(JsonElement element, string name, string? path = null)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new InvalidRequestException(path ?? name, $"{path ?? name}: Input should be a valid integer");
    }

    private static double? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new InvalidRequestException(name, $"{name}: Input should be a valid number");
    }

    private static List<string> ReadStopSequences(JsonElement root)
    {
        if (!root.TryGetProperty("stop_sequences", out var stops) || stops.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var result = new List<string>();
        var index = 0;
        foreach (var stop in stops.EnumerateArray())
        {
            result.Add(stop.ValueKind == JsonValueKind.String
                ? stop.GetString()!
                : throw new InvalidRequestException($"stop_sequences.{index}", $"stop_sequences.{index}: Input should be a valid string"));
            index++;
        }
        return result;
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
            JsonValueKind.Null => [],
            _ => throw new InvalidRequestException("system", "system: Input should be a valid string or a list of text blocks"),
        };
    }

    /// <summary>
    /// Reads one turn into <paramref name="turns"/>. Newer clients (Claude Code among them) also send system text as a
    /// "system" turn or a <c>mid_conv_system</c> block; the canonical model has system text only at the top, so it is
    /// appended there, in order: its position in the conversation is lost, its words are not.
    /// </summary>
    private static void ReadMessage(JsonElement message, int index, List<ChatMessage> turns, List<TextPart> system)
    {
        var role = Str(message, "role") switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            "system" => (ChatRole?)null,
            var other => throw new InvalidRequestException($"messages.{index}.role", $"messages.{index}.role: Input should be 'user', 'assistant' or 'system', got '{other}'"),
        };
        if (!message.TryGetProperty("content", out var content))
        {
            throw new InvalidRequestException($"messages.{index}.content", $"messages.{index}.content: Field required");
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            if (role is { } speaker)
            {
                turns.Add(new ChatMessage(speaker, [new TextPart(content.GetString()!)]));
            }
            else
            {
                system.Add(new TextPart(content.GetString()!));
            }
            return;
        }
        if (content.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException($"messages.{index}.content", $"messages.{index}.content: Input should be a valid string or a list of content blocks");
        }
        var parts = new List<ContentPart>();
        var blockIndex = 0;
        foreach (var block in content.EnumerateArray())
        {
            var path = $"messages.{index}.content.{blockIndex++}";
            if (Str(block, "type") == "mid_conv_system" || role is null)
            {
                system.AddRange(ReadSystemBlock(block, path));
                continue;
            }
            parts.Add(ReadBlock(block, path));
        }
        if (role is { } author && (parts.Count > 0 || blockIndex == 0))
        {
            turns.Add(new ChatMessage(author, parts));
        }
    }

    /// <summary>Text of a system turn's block or of a <c>mid_conv_system</c> block (whose content is text blocks).</summary>
    private static IEnumerable<TextPart> ReadSystemBlock(JsonElement block, string path) => Str(block, "type") switch
    {
        "text" => [new TextPart(Str(block, "text") ?? "") { CacheControl = Clone(block, "cache_control") }],
        "mid_conv_system" when block.TryGetProperty("content", out var inner) && inner.ValueKind == JsonValueKind.Array =>
            inner.EnumerateArray()
                .Where(b => Str(b, "type") == "text")
                .Select(b => new TextPart(Str(b, "text") ?? "") { CacheControl = Clone(b, "cache_control") ?? Clone(block, "cache_control") })
                .ToList(),
        var other => throw new InvalidRequestException(path, $"{path}: system instructions must be text, got '{other}'"),
    };

    private static ContentPart ReadBlock(JsonElement block, string path)
    {
        switch (Str(block, "type"))
        {
            case null:
                throw new InvalidRequestException($"{path}.type", $"{path}.type: Field required");
            case "text":
                return new TextPart(Str(block, "text") ?? "") { CacheControl = Clone(block, "cache_control") };
            case "image":
                return ReadSource(block, path, (url, mediaType, data) => new ImagePart(url, mediaType, data) { CacheControl = Clone(block, "cache_control") });
            case "document":
                return ReadSource(block, path, (url, mediaType, data) => mediaType == "text/plain" && url is null
                    ? new DocumentPart(null, mediaType, null, data) { Title = Str(block, "title"), CacheControl = Clone(block, "cache_control") }
                    : new DocumentPart(url, mediaType, data, null) { Title = Str(block, "title"), CacheControl = Clone(block, "cache_control") });
            case "tool_use":
                return ToolCallIds.Call(Str(block, "id") ?? "", Str(block, "name") ?? "",
                    block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
            case "tool_result":
                return new ToolResultPart(ToolCallIds.ResultId(Str(block, "tool_use_id") ?? ""), ReadToolResultContent(block, path),
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
            result.Add(new ToolDefinition(Str(tool, "name") ?? "", Str(tool, "description"), Clone(tool, "input_schema")) { CacheControl = Clone(tool, "cache_control") });
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
