using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Protocols.OpenAi;

public sealed partial class OpenAiChatConverter
{
    public ChatRequest? ReadRequest(ReadOnlyMemory<byte> body, out GatewayError? error) => CanonicalRequestReader.Read(body, Read, out error);

    private static ChatRequest Read(JsonElement root)
    {
        var model = Str(root, "model") ?? throw new InvalidRequestException("model", "You must provide a model parameter.");
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("messages", "'messages' is a required property.");
        }
        RejectUnservable(root);
        var system = new List<TextPart>();
        var turns = new List<ChatMessage>();
        var index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var path = $"messages[{index++}]";
            switch (Str(message, "role"))
            {
                case "system" or "developer":
                    system.AddRange(TextParts(message, path).Select(t => new TextPart(t)));
                    break;
                case "user":
                    Append(turns, ChatRole.User, UserParts(message, path));
                    break;
                case "assistant":
                    Append(turns, ChatRole.Assistant, AssistantParts(message, path));
                    break;
                case "tool":
                    var callId = Str(message, "tool_call_id")
                        ?? throw new InvalidRequestException($"{path}.tool_call_id", $"Missing required parameter: '{path}.tool_call_id'.");
                    Append(turns, ChatRole.User, [new ToolResultPart(ToolCallIds.ResultId(callId), TextParts(message, path).Select(t => (ContentPart)new TextPart(t)).ToList(), IsError: false)]);
                    break;
                case "function":
                    throw new InvalidRequestException($"{path}.role", "Messages with the legacy 'function' role cannot be served by this channel; send 'tool' messages instead.");
                case null:
                    throw new InvalidRequestException($"{path}.role", $"Missing required parameter: '{path}.role'.");
                case var role:
                    throw new InvalidRequestException($"{path}.role", $"Invalid value for '{path}.role': '{role}' is not supported by this channel.");
            }
        }
        var parallel = !(root.TryGetProperty("parallel_tool_calls", out var p) && p.ValueKind == JsonValueKind.False);
        var tools = ReadTools(root);
        var (choice, allowed) = ReadToolChoice(root, parallel);
        if (allowed is not null)
        {
            // allowed_tools limits which tools may be called; offering only those keeps that meaning on every upstream.
            tools = tools.Where(t => allowed.Contains(t.Name)).ToList();
        }
        return new ChatRequest
        {
            Model = model,
            System = system,
            Messages = turns,
            Tools = tools,
            ToolChoice = choice,
            MaxTokens = Long(root, "max_completion_tokens") ?? Long(root, "max_tokens"),
            StopSequences = root.TryGetProperty("stop", out var stop)
                ? stop.ValueKind switch
                {
                    JsonValueKind.String => [stop.GetString()!],
                    JsonValueKind.Array => stop.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).ToList(),
                    _ => [],
                }
                : [],
            Temperature = Double(root, "temperature"),
            TopP = Double(root, "top_p"),
            User = Str(root, "user") ?? Str(root, "safety_identifier"),
            Thinking = ThinkingFor(Str(root, "reasoning_effort")),
            ResponseFormat = Clone(root, "response_format"),
            Stream = IsTrue(root, "stream"),
            ClientWantsUsage = root.TryGetProperty("stream_options", out var options) && IsTrue(options, "include_usage"),
        };
    }

    /// <summary>
    /// "none" and "minimal" ask for (next to) no reasoning: kept as an explicit off, so an upstream that thinks by
    /// default can be told not to, and none is asked to spend its minimum thinking budget on them.
    /// </summary>
    private static ThinkingConfig? ThinkingFor(string? effort) => effort switch
    {
        null => null,
        "none" or "minimal" => new ThinkingConfig(false, Effort: effort),
        _ => new ThinkingConfig(true, Effort: effort),
    };

    /// <summary>Requests whose meaning the canonical model cannot carry are refused rather than half served.</summary>
    private static void RejectUnservable(JsonElement root)
    {
        if (Long(root, "n") is > 1)
        {
            throw new InvalidRequestException("n", "Only one choice (n = 1) can be served by this channel.");
        }
        if (root.TryGetProperty("functions", out var functions) && functions.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidRequestException("functions", "The deprecated 'functions' parameter cannot be served by this channel; send 'tools' instead.");
        }
        if (root.TryGetProperty("audio", out var audio) && audio.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidRequestException("audio", "Audio output cannot be served by this channel.");
        }
    }

    /// <summary>Consecutive turns of one role merge: tool results and the user text after them form one user turn.</summary>
    private static void Append(List<ChatMessage> turns, ChatRole role, List<ContentPart> parts)
    {
        if (parts.Count == 0)
        {
            return;
        }
        if (turns.Count > 0 && turns[^1].Role == role)
        {
            turns[^1] = turns[^1] with { Content = [.. turns[^1].Content, .. parts] };
            return;
        }
        turns.Add(new ChatMessage(role, parts));
    }

    /// <summary>The message's content parts, or none; a string is one text part.</summary>
    private static IEnumerable<JsonElement> ContentParts(JsonElement message, string path, out string? text)
    {
        text = null;
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                text = content.GetString()!;
                return [];
            case JsonValueKind.Array:
                return content.EnumerateArray().ToList();
            default:
                throw new InvalidRequestException($"{path}.content", $"Invalid type for '{path}.content': expected a string or an array of content parts.");
        }
    }

    /// <summary>System, developer and tool messages: a string or text parts (the only part type the API allows there).</summary>
    private static List<string> TextParts(JsonElement message, string path)
    {
        var parts = ContentParts(message, path, out var text);
        if (text is not null)
        {
            return [text];
        }
        var texts = new List<string>();
        var index = 0;
        foreach (var part in parts)
        {
            var partPath = $"{path}.content[{index++}]";
            switch (Str(part, "type"))
            {
                case "text":
                    texts.Add(Str(part, "text") ?? "");
                    break;
                case var type:
                    throw new InvalidRequestException($"{path}.content", $"'{partPath}': content parts of type '{type}' are not allowed in '{Str(message, "role")}' messages.");
            }
        }
        return texts;
    }

    private static List<ContentPart> UserParts(JsonElement message, string path)
    {
        var parts = ContentParts(message, path, out var text);
        if (text is not null)
        {
            return [new TextPart(text)];
        }
        var result = new List<ContentPart>();
        var index = 0;
        foreach (var part in parts)
        {
            var partPath = $"{path}.content[{index++}]";
            switch (Str(part, "type"))
            {
                case "text":
                    result.Add(new TextPart(Str(part, "text") ?? ""));
                    break;
                case "image_url":
                    result.Add(Image(part, partPath));
                    break;
                case "file":
                    result.Add(Document(part, partPath));
                    break;
                case "input_audio":
                    throw new InvalidRequestException($"{path}.content", $"'{partPath}': audio input cannot be served by this channel.");
                case var type:
                    throw new InvalidRequestException($"{path}.content", $"'{partPath}': content parts of type '{type}' cannot be served by this channel.");
            }
        }
        return result;
    }

    private static ImagePart Image(JsonElement part, string path)
    {
        var url = part.TryGetProperty("image_url", out var image) ? Str(image, "url") : null;
        if (string.IsNullOrEmpty(url))
        {
            throw new InvalidRequestException($"{path}.image_url.url", $"Missing required parameter: '{path}.image_url.url'.");
        }
        return DataUrl(url) is { } inline ? new ImagePart(null, inline.MediaType, inline.Data) : new ImagePart(url, null, null);
    }

    /// <summary>
    /// PDFs stay base64; text files are decoded, since the text is what every upstream takes for them.
    /// The SDKs send file_data as a data URL; bare base64 gets its media type from the file name.
    /// </summary>
    private static DocumentPart Document(JsonElement part, string path)
    {
        var file = part.TryGetProperty("file", out var f) ? f : default;
        var filename = Str(file, "filename");
        if (Str(file, "file_data") is not { Length: > 0 } fileData)
        {
            throw new InvalidRequestException($"{path}.file", Str(file, "file_id") is not null
                ? "Files referenced by 'file_id' cannot be served by this channel; send the content as 'file_data'."
                : $"Missing required parameter: '{path}.file.file_data'.");
        }
        var (mediaType, data) = DataUrl(fileData) ?? (MediaTypeOf(filename), fileData);
        if (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new DocumentPart(null, "text/plain", null, Encoding.UTF8.GetString(Convert.FromBase64String(data))) { Title = filename };
            }
            catch (FormatException)
            {
                throw new InvalidRequestException($"{path}.file.file_data", $"'{path}.file.file_data' is not valid base64.");
            }
        }
        return new DocumentPart(null, mediaType, data, null) { Title = filename };
    }

    internal static string MediaTypeOf(string? filename) => Path.GetExtension(filename ?? "").ToLowerInvariant() switch
    {
        ".txt" or ".md" => "text/plain",
        _ => "application/pdf",
    };

    private static List<ContentPart> AssistantParts(JsonElement message, string path)
    {
        var parts = new List<ContentPart>();
        // DeepSeek-style reasoning from an earlier turn; it carries no signature, so only non-Anthropic upstreams may use it.
        if (Str(message, "reasoning_content") is { Length: > 0 } reasoning)
        {
            parts.Add(new ThinkingPart(reasoning, null));
        }
        var content = ContentParts(message, path, out var text);
        if (text is { Length: > 0 })
        {
            parts.Add(new TextPart(text));
        }
        foreach (var part in content)
        {
            // A refusal the model gave is still what it said in that turn.
            if ((Str(part, "type") == "refusal" ? Str(part, "refusal") : Str(part, "text")) is { Length: > 0 } partText)
            {
                parts.Add(new TextPart(partText));
            }
        }
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var call in calls.EnumerateArray())
            {
                var callPath = $"{path}.tool_calls[{index++}]";
                if (Str(call, "type") is { } type && type != "function")
                {
                    throw new InvalidRequestException($"{callPath}.type", $"Tool calls of type '{type}' cannot be served by this channel.");
                }
                var function = call.TryGetProperty("function", out var fn) ? fn : default;
                parts.Add(ToolCallIds.Call(Str(call, "id") ?? "", Str(function, "name") ?? "", Str(function, "arguments") ?? "{}"));
            }
        }
        return parts;
    }

    private static List<ToolDefinition> ReadTools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        var result = new List<ToolDefinition>();
        foreach (var tool in tools.EnumerateArray())
        {
            if (Str(tool, "type") != "function" || !tool.TryGetProperty("function", out var function) || Str(function, "name") is not { } name)
            {
                throw new InvalidRequestException("tools", $"Tools of type '{Str(tool, "type")}' cannot be served by this channel; only function tools with a name can.");
            }
            // cache_control beside a tool is Anthropic's prompt-caching marker as OpenAI-format clients of Claude write it.
            result.Add(new ToolDefinition(name, Str(function, "description"), Clone(function, "parameters"))
            {
                CacheControl = Clone(tool, "cache_control") ?? Clone(function, "cache_control"),
            });
        }
        return result;
    }

    /// <returns>The choice, and for <c>allowed_tools</c> the names the model may call.</returns>
    private static (ToolChoice? Choice, HashSet<string>? Allowed) ReadToolChoice(JsonElement root, bool parallel) =>
        OpenAiToolChoice.Read(root, parallel,
            static value => new ToolChoice(ToolChoiceKind.Tool, (value.TryGetProperty("function", out var f) ? Str(f, "name") : null)
                ?? throw new InvalidRequestException("tool_choice", "Missing required parameter: 'tool_choice.function.name'.")),
            static value =>
            {
                // Chat Completions nests allowed_tools: {"allowed_tools":{"mode":…,"tools":[{"type":"function","function":{"name":…}}]}}.
                var spec = value.TryGetProperty("allowed_tools", out var a) ? a : default;
                HashSet<string> allowed = spec.ValueKind == JsonValueKind.Object && spec.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
                    ? tools.EnumerateArray().Select(t => t.TryGetProperty("function", out var f) ? Str(f, "name") : null).OfType<string>().ToHashSet(StringComparer.Ordinal)
                    : [];
                return (OpenAiToolChoice.AllowedMode(spec), allowed);
            });

    internal static (string MediaType, string Data)? DataUrl(string url)
    {
        if (!url.StartsWith("data:", StringComparison.Ordinal))
        {
            return null;
        }
        var comma = url.IndexOf(',');
        if (comma < 0)
        {
            return null;
        }
        var header = url[5..comma];
        var semicolon = header.IndexOf(';');
        return (semicolon < 0 ? header : header[..semicolon], url[(comma + 1)..]);
    }
}
