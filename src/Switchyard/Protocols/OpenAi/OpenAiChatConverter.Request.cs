using System.Text.Json;
using Switchyard.Protocols.Canonical;
using Switchyard.Relay;
using static Switchyard.Protocols.Canonical.JsonFields;

namespace Switchyard.Protocols.OpenAi;

public sealed partial class OpenAiChatConverter
{
    public ChatRequest? ReadRequest(ReadOnlyMemory<byte> body, out RelayError? error) => CanonicalRequestReader.Read(body, Read, out error);

    private static ChatRequest Read(JsonElement root)
    {
        var model = Str(root, "model") ?? throw new InvalidRequestException("model", "You must provide a model parameter.");
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("messages", "'messages' is a required property.");
        }
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
                    Append(turns, ChatRole.Assistant, AssistantParts(message));
                    break;
                case "tool":
                    Append(turns, ChatRole.User, [new ToolResultPart(Str(message, "tool_call_id") ?? "",
                        TextParts(message, path).Select(t => (ContentPart)new TextPart(t)).ToList(), IsError: false)]);
                    break;
                case var role:
                    throw new InvalidRequestException($"{path}.role", $"Invalid value for '{path}.role': '{role}' is not supported by this channel.");
            }
        }
        var parallel = !(root.TryGetProperty("parallel_tool_calls", out var p) && p.ValueKind == JsonValueKind.False);
        var effort = Str(root, "reasoning_effort");
        return new ChatRequest
        {
            Model = model,
            System = system,
            Messages = turns,
            Tools = ReadTools(root),
            ToolChoice = ReadToolChoice(root, parallel),
            MaxTokens = Long(root, "max_completion_tokens") ?? Long(root, "max_tokens"),
            StopSequences = root.TryGetProperty("stop", out var stop)
                ? stop.ValueKind switch
                {
                    JsonValueKind.String => [stop.GetString()!],
                    JsonValueKind.Array => stop.EnumerateArray().Select(s => s.GetString() ?? "").ToList(),
                    _ => [],
                }
                : [],
            Temperature = Double(root, "temperature"),
            TopP = Double(root, "top_p"),
            User = Str(root, "user"),
            Thinking = effort is null or "none" or "minimal" ? null : new ThinkingConfig(true, Effort: effort),
            ResponseFormat = root.TryGetProperty("response_format", out var format) ? format.Clone() : null,
            Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
            ClientWantsUsage = root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
                && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True,
        };
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

    private static IEnumerable<string> TextParts(JsonElement message, string path)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            yield break;
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            yield return content.GetString()!;
            yield break;
        }
        foreach (var part in content.EnumerateArray())
        {
            if (Str(part, "type") == "text")
            {
                yield return Str(part, "text") ?? "";
            }
        }
    }

    private static List<ContentPart> UserParts(JsonElement message, string path)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (content.ValueKind == JsonValueKind.String)
        {
            return [new TextPart(content.GetString()!)];
        }
        var parts = new List<ContentPart>();
        foreach (var part in content.EnumerateArray())
        {
            switch (Str(part, "type"))
            {
                case "text":
                    parts.Add(new TextPart(Str(part, "text") ?? ""));
                    break;
                case "image_url":
                    var url = part.TryGetProperty("image_url", out var image) ? (Str(image, "url") ?? "") : "";
                    parts.Add(DataUrl(url) is { } inline ? new ImagePart(null, inline.MediaType, inline.Data) : new ImagePart(url, null, null));
                    break;
                case "file":
                    var file = part.TryGetProperty("file", out var f) ? f : default;
                    var data = DataUrl(Str(file, "file_data") ?? "");
                    parts.Add(new DocumentPart(null, data?.MediaType ?? "application/pdf", data?.Data, null) { Title = Str(file, "filename") });
                    break;
                case var type:
                    throw new InvalidRequestException($"{path}.content", $"Content parts of type '{type}' cannot be served by this channel.");
            }
        }
        return parts;
    }

    private static List<ContentPart> AssistantParts(JsonElement message)
    {
        var parts = new List<ContentPart>();
        if (Str(message, "reasoning_content") is { Length: > 0 } reasoning)
        {
            parts.Add(new ThinkingPart(reasoning, null));
        }
        parts.AddRange(TextParts(message, "").Where(t => t.Length > 0).Select(t => new TextPart(t)));
        if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                var function = call.TryGetProperty("function", out var fn) ? fn : default;
                parts.Add(new ToolCallPart(Str(call, "id") ?? "", Str(function, "name") ?? "", Str(function, "arguments") ?? "{}"));
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
            if (Str(tool, "type") != "function" || !tool.TryGetProperty("function", out var function))
            {
                throw new InvalidRequestException("tools", $"Tools of type '{Str(tool, "type")}' cannot be served by this channel.");
            }
            result.Add(new ToolDefinition(Str(function, "name") ?? "", Str(function, "description"),
                function.TryGetProperty("parameters", out var parameters) ? parameters.Clone() : null));
        }
        return result;
    }

    private static ToolChoice? ReadToolChoice(JsonElement root, bool parallel)
    {
        ToolChoice? choice = root.TryGetProperty("tool_choice", out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() switch
            {
                "none" => new ToolChoice(ToolChoiceKind.None),
                "required" => new ToolChoice(ToolChoiceKind.Any),
                _ => new ToolChoice(ToolChoiceKind.Auto),
            },
            JsonValueKind.Object => new ToolChoice(ToolChoiceKind.Tool, value.TryGetProperty("function", out var f) ? Str(f, "name") : null),
            _ => null,
        } : null;
        if (!parallel)
        {
            choice = (choice ?? new ToolChoice(ToolChoiceKind.Auto)) with { DisableParallel = true };
        }
        return choice;
    }

    private static (string MediaType, string Data)? DataUrl(string url)
    {
        if (!url.StartsWith("data:", StringComparison.Ordinal))
        {
            return null;
        }
        var comma = url.IndexOf(',');
        var header = comma < 0 ? "" : url[5..comma];
        return comma < 0 ? null : (header.Replace(";base64", "", StringComparison.Ordinal), url[(comma + 1)..]);
    }
}
