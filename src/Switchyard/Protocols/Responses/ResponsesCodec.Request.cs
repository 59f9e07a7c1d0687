using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.OpenAi;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Protocols.Responses;

public sealed partial class ResponsesCodec
{
    public ChatRequest? ReadRequest(ReadOnlyMemory<byte> body, out GatewayError? error) => CanonicalRequestReader.Read(body, Read, out error);

    private static ChatRequest Read(JsonElement root)
    {
        var model = Str(root, "model") ?? throw new InvalidRequestException("model", "Missing required parameter: 'model'.");
        RejectStateful(root);
        var system = new List<TextPart>();
        if (Str(root, "instructions") is { Length: > 0 } instructions)
        {
            system.Add(new TextPart(instructions));
        }
        var turns = new List<ChatMessage>();
        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            throw new InvalidRequestException("input", "Missing required parameter: 'input'.");
        }
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                Append(turns, ChatRole.User, [new TextPart(input.GetString()!)]);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in input.EnumerateArray())
                {
                    ReadItem(item, $"input[{index++}]", system, turns);
                }
                break;
            default:
                throw new InvalidRequestException("input", "Invalid type for 'input': expected one of a string or array of input items.");
        }
        var parallel = !(root.TryGetProperty("parallel_tool_calls", out var p) && p.ValueKind == JsonValueKind.False);
        var (tools, hosted) = ReadTools(root);
        var (choice, allowed) = ReadToolChoice(root, parallel);
        if (allowed is not null)
        {
            tools = tools.Where(t => allowed.Contains(t.ClientName ?? t.Name)).ToList();
        }
        return new ChatRequest
        {
            Model = model,
            System = system,
            Messages = turns,
            Tools = tools,
            HostedTools = hosted,
            ToolChoice = choice,
            MaxTokens = Long(root, "max_output_tokens"),
            Metadata = root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? metadata.Clone() : null,
            Store = Bool(root, "store"),
            Temperature = Double(root, "temperature"),
            TopP = Double(root, "top_p"),
            User = Str(root, "user") ?? Str(root, "safety_identifier"),
            Thinking = ReadReasoning(root),
            ResponseFormat = ReadTextFormat(root),
            Stream = IsTrue(root, "stream"),
            // response.completed always carries usage.
            ClientWantsUsage = true,
        };
    }

    /// <summary>
    /// Conversation state held upstream cannot follow a request to a channel that does not hold it: the client must
    /// send the whole conversation as input items instead (what Codex does with store: false).
    /// </summary>
    private static void RejectStateful(JsonElement root)
    {
        if (Str(root, "previous_response_id") is not null)
        {
            throw new InvalidRequestException("previous_response_id",
                "'previous_response_id' can only be served by a channel that speaks the Responses API natively (an openai channel with responses: true); "
                + "this model's channel does not hold earlier responses. Send the conversation as input items instead (store: false).");
        }
        if (root.TryGetProperty("conversation", out var conversation) && conversation.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidRequestException("conversation",
                "'conversation' can only be served by a channel that speaks the Responses API natively; send the conversation as input items instead.");
        }
        if (root.TryGetProperty("prompt", out var prompt) && prompt.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidRequestException("prompt", "Stored prompt templates ('prompt') can only be served by a channel that speaks the Responses API natively.");
        }
        if (IsTrue(root, "background"))
        {
            throw new InvalidRequestException("background", "Background responses can only be served by a channel that speaks the Responses API natively.");
        }
    }

    private static void ReadItem(JsonElement item, string path, List<TextPart> system, List<ChatMessage> turns)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException(path, $"Invalid type for '{path}': expected an object.");
        }
        // The "easy" message form has a role and no type.
        var type = Str(item, "type") ?? (item.TryGetProperty("role", out _) ? "message" : null);
        switch (type)
        {
            case "message":
                ReadMessage(item, path, system, turns);
                break;
            case "function_call":
                var functionName = Str(item, "name") ?? throw new InvalidRequestException($"{path}.name", $"Missing required parameter: '{path}.name'.");
                Append(turns, ChatRole.Assistant, [ToolCallIds.Call(
                    Str(item, "call_id") ?? throw new InvalidRequestException($"{path}.call_id", $"Missing required parameter: '{path}.call_id'."),
                    Str(item, "namespace") is { Length: > 0 } space ? ToolNames.Flatten(space, functionName) : functionName,
                    Str(item, "arguments") ?? "{}")]);
                break;
            case "custom_tool_call":
                // Offered upstream as a function of one string: the call goes back in that shape.
                Append(turns, ChatRole.Assistant, [ToolCallIds.Call(
                    Str(item, "call_id") ?? throw new InvalidRequestException($"{path}.call_id", $"Missing required parameter: '{path}.call_id'."),
                    ToolNames.Flatten(Str(item, "namespace"),
                        Str(item, "name") ?? throw new InvalidRequestException($"{path}.name", $"Missing required parameter: '{path}.name'.")),
                    CustomArguments(Str(item, "input") ?? ""))]);
                break;
            case "function_call_output" or "custom_tool_call_output":
                var callId = Str(item, "call_id") ?? throw new InvalidRequestException($"{path}.call_id", $"Missing required parameter: '{path}.call_id'.");
                Append(turns, ChatRole.User, [new ToolResultPart(ToolCallIds.ResultId(callId), ToolOutput(item, path), IsError: false)]);
                break;
            case "reasoning":
                if (ReasoningEnvelope.Read(item) is { } reasoning)
                {
                    Append(turns, ChatRole.Assistant, [reasoning]);
                }
                break;
            case "item_reference":
                throw new InvalidRequestException($"{path}.type",
                    $"'{path}': item references can only be served by a channel that speaks the Responses API natively; send the item itself.");
            case null:
                throw new InvalidRequestException($"{path}.type", $"Missing required parameter: '{path}.type'.");
            default:
                throw new InvalidRequestException($"{path}.type", $"'{path}': input items of type '{type}' cannot be served by this channel.");
        }
    }

    private static void ReadMessage(JsonElement item, string path, List<TextPart> system, List<ChatMessage> turns)
    {
        var role = Str(item, "role") ?? throw new InvalidRequestException($"{path}.role", $"Missing required parameter: '{path}.role'.");
        if (!item.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            throw new InvalidRequestException($"{path}.content", $"Missing required parameter: '{path}.content'.");
        }
        var parts = content.ValueKind switch
        {
            JsonValueKind.String => [new TextPart(content.GetString()!)],
            JsonValueKind.Array => ContentParts(content, $"{path}.content", role),
            _ => throw new InvalidRequestException($"{path}.content", $"Invalid type for '{path}.content': expected a string or an array of content parts."),
        };
        switch (role)
        {
            case "system" or "developer":
                foreach (var part in parts)
                {
                    system.Add(part as TextPart ?? throw new InvalidRequestException($"{path}.content", $"'{path}': only text can be sent in '{role}' messages."));
                }
                break;
            case "user":
                Append(turns, ChatRole.User, parts);
                break;
            case "assistant":
                Append(turns, ChatRole.Assistant, parts.Where(p => p is not TextPart { Text.Length: 0 }).ToList());
                break;
            default:
                throw new InvalidRequestException($"{path}.role", $"Invalid value for '{path}.role': '{role}'. Supported values are: 'user', 'assistant', 'system' and 'developer'.");
        }
    }

    private static List<ContentPart> ContentParts(JsonElement content, string path, string role)
    {
        var result = new List<ContentPart>();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}[{index++}]";
            switch (Str(part, "type"))
            {
                case "input_text" or "output_text":
                    result.Add(new TextPart(Str(part, "text") ?? ""));
                    break;
                // A refusal the model gave is still what it said in that turn.
                case "refusal":
                    result.Add(new TextPart(Str(part, "refusal") ?? ""));
                    break;
                case "input_image" when role is "user" or "function_call_output":
                    result.Add(Image(part, partPath));
                    break;
                case "input_file" when role is "user" or "function_call_output":
                    result.Add(File(part, partPath));
                    break;
                case var type:
                    throw new InvalidRequestException(path, $"'{partPath}': content parts of type '{type}' cannot be served by this channel in '{role}' messages.");
            }
        }
        return result;
    }

    /// <summary>A function's output: a string, or input_text / input_image / input_file parts.</summary>
    private static List<ContentPart> ToolOutput(JsonElement item, string path)
    {
        if (!item.TryGetProperty("output", out var output))
        {
            throw new InvalidRequestException($"{path}.output", $"Missing required parameter: '{path}.output'.");
        }
        return output.ValueKind switch
        {
            JsonValueKind.String => [new TextPart(output.GetString()!)],
            JsonValueKind.Array => ContentParts(output, $"{path}.output", "function_call_output"),
            _ => throw new InvalidRequestException($"{path}.output", $"Invalid type for '{path}.output': expected a string or an array of content parts."),
        };
    }

    private static ImagePart Image(JsonElement part, string path)
    {
        if (Str(part, "image_url") is not { Length: > 0 } url)
        {
            throw new InvalidRequestException($"{path}.image_url", Str(part, "file_id") is not null
                ? $"'{path}': images referenced by 'file_id' cannot be served by this channel; send them as 'image_url' (a URL or a data URL)."
                : $"Missing required parameter: '{path}.image_url'.");
        }
        return OpenAiChatConverter.DataUrl(url) is { } inline ? new ImagePart(null, inline.MediaType, inline.Data) : new ImagePart(url, null, null);
    }

    /// <summary>PDFs stay base64; text files are decoded, as the chat codec does.</summary>
    private static DocumentPart File(JsonElement part, string path)
    {
        var filename = Str(part, "filename");
        if (Str(part, "file_data") is not { Length: > 0 } fileData)
        {
            if (Str(part, "file_url") is { Length: > 0 } fileUrl)
            {
                return new DocumentPart(fileUrl, null, null, null) { Title = filename };
            }
            throw new InvalidRequestException($"{path}.file_data", Str(part, "file_id") is not null
                ? $"'{path}': files referenced by 'file_id' cannot be served by this channel; send the content as 'file_data'."
                : $"Missing required parameter: '{path}.file_data'.");
        }
        var (mediaType, data) = OpenAiChatConverter.DataUrl(fileData) ?? (OpenAiChatConverter.MediaTypeOf(filename), fileData);
        if (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new DocumentPart(null, "text/plain", null, Encoding.UTF8.GetString(Convert.FromBase64String(data))) { Title = filename };
            }
            catch (FormatException)
            {
                throw new InvalidRequestException($"{path}.file_data", $"'{path}.file_data' is not valid base64.");
            }
        }
        return new DocumentPart(null, mediaType, data, null) { Title = filename };
    }

    /// <summary>Consecutive items of one role form one turn: a reasoning item, its function calls and text are one assistant turn.</summary>
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

    /// <summary>A freeform call's raw input as the arguments of the function it was offered as.</summary>
    private static string CustomArguments(string input)
    {
        var output = new ArrayBufferWriter<byte>(input.Length + 16);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString(ToolNames.CustomInput, input);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static bool? Bool(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    /// <summary>
    /// Function tools as they are; a namespace's tools flattened under names every upstream accepts (their calls go
    /// back as namespaced calls); freeform tools as a function of one string; tools the upstream would run itself
    /// (web search, file search, …) set aside for the relay to map or leave out.
    /// </summary>
    private static (List<ToolDefinition> Tools, List<HostedTool> Hosted) ReadTools(JsonElement root)
    {
        var result = new List<ToolDefinition>();
        var hosted = new List<HostedTool>();
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind == JsonValueKind.Null)
        {
            return (result, hosted);
        }
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("tools", "Invalid type for 'tools': expected an array.");
        }
        var index = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var path = $"tools[{index++}]";
            switch (Str(tool, "type"))
            {
                case "function" or "custom":
                    result.Add(ReadTool(tool, path, null));
                    break;
                case "namespace":
                    var space = Str(tool, "name") ?? throw new InvalidRequestException($"{path}.name", $"Missing required parameter: '{path}.name'.");
                    if (!tool.TryGetProperty("tools", out var inner) || inner.ValueKind != JsonValueKind.Array)
                    {
                        throw new InvalidRequestException($"{path}.tools", $"Missing required parameter: '{path}.tools'.");
                    }
                    var innerIndex = 0;
                    foreach (var member in inner.EnumerateArray())
                    {
                        var memberPath = $"{path}.tools[{innerIndex++}]";
                        if (Str(member, "type") is not ("function" or "custom"))
                        {
                            throw new InvalidRequestException($"{memberPath}.type", $"'{memberPath}': a namespace holds only function and custom tools.");
                        }
                        result.Add(ReadTool(member, memberPath, space));
                    }
                    break;
                case { } type when HostedTool.IsHosted(type):
                    hosted.Add(new HostedTool(type, tool.Clone()));
                    break;
                case var type:
                    throw new InvalidRequestException($"{path}.type", $"'{path}': tools of type '{type}' cannot be served by this channel.");
            }
        }
        return (result, hosted);
    }

    private static ToolDefinition ReadTool(JsonElement tool, string path, string? space)
    {
        var name = Str(tool, "name") ?? throw new InvalidRequestException($"{path}.name", $"Missing required parameter: '{path}.name'.");
        var upstreamName = space is null && Str(tool, "type") == "function" ? name : ToolNames.Flatten(space, name);
        var clientName = upstreamName == name ? null : name;
        if (Str(tool, "type") == "custom")
        {
            return new ToolDefinition(upstreamName, Str(tool, "description"), CustomToolSchema(tool))
            {
                Namespace = space,
                ClientName = clientName,
                Kind = ToolKind.Custom,
            };
        }
        return new ToolDefinition(upstreamName, Str(tool, "description"), Clone(tool, "parameters"))
        {
            Strict = Bool(tool, "strict"),
            Namespace = space,
            ClientName = clientName,
        };
    }

    /// <summary>One required string; a grammar the client gave (Codex's apply_patch has a Lark one) goes into its description so the model can follow it.</summary>
    private static JsonElement CustomToolSchema(JsonElement tool)
    {
        string? grammar = null;
        if (tool.TryGetProperty("format", out var format) && Str(format, "type") == "grammar" && Str(format, "definition") is { Length: > 0 } definition)
        {
            grammar = $"The raw input, in this {Str(format, "syntax") ?? "formal"} grammar:\n{definition}";
        }
        var output = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            writer.WriteStartObject(ToolNames.CustomInput);
            writer.WriteString("type", "string");
            writer.WriteString("description", grammar ?? "The raw input for the tool.");
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("required");
            writer.WriteStringValue(ToolNames.CustomInput);
            writer.WriteEndArray();
            writer.WriteBoolean("additionalProperties", false);
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(output.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static (ToolChoice? Choice, HashSet<string>? Allowed) ReadToolChoice(JsonElement root, bool parallel) =>
        OpenAiToolChoice.Read(root, parallel,
            static value => new ToolChoice(ToolChoiceKind.Tool,
                Str(value, "name") ?? throw new InvalidRequestException("tool_choice.name", "Missing required parameter: 'tool_choice.name'.")),
            static value =>
            {
                // Responses lists allowed tools flat: {"type":"allowed_tools","mode":…,"tools":[{"type":"function","name":…}]}.
                HashSet<string> allowed = value.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array
                    ? tools.EnumerateArray().Select(t => Str(t, "name")).OfType<string>().ToHashSet(StringComparer.Ordinal)
                    : [];
                return (OpenAiToolChoice.AllowedMode(value), allowed);
            });

    /// <summary>"none" and "minimal" are an explicit off, as in the chat codec; a summary alone turns reasoning on.</summary>
    private static ThinkingConfig? ReadReasoning(JsonElement root)
    {
        if (!root.TryGetProperty("reasoning", out var reasoning) || reasoning.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var effort = Str(reasoning, "effort");
        var summary = Str(reasoning, "summary") ?? Str(reasoning, "generate_summary");
        if (effort is null && summary is null)
        {
            return null;
        }
        return new ThinkingConfig(effort is not ("none" or "minimal"), Effort: effort) { Summary = summary is "none" ? null : summary };
    }

    /// <summary>
    /// Responses' <c>text.format</c> held in the canonical model as Chat Completions' <c>response_format</c>
    /// (json_schema nests its name, schema and strict under <c>json_schema</c> there).
    /// </summary>
    private static JsonElement? ReadTextFormat(JsonElement root)
    {
        if (!root.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.Object
            || !text.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        switch (Str(format, "type"))
        {
            case "text":
                return null;
            case "json_object":
                return format.Clone();
            case "json_schema":
                var output = new ArrayBufferWriter<byte>(256);
                using (var writer = new Utf8JsonWriter(output))
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "json_schema");
                    writer.WriteStartObject("json_schema");
                    foreach (var property in format.EnumerateObject())
                    {
                        if (!property.NameEquals("type"u8))
                        {
                            property.WriteTo(writer);
                        }
                    }
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
                using (var document = JsonDocument.Parse(output.WrittenMemory))
                {
                    return document.RootElement.Clone();
                }
            case var type:
                throw new InvalidRequestException("text.format.type", $"Invalid value for 'text.format.type': '{type}'. Supported values are: 'text', 'json_object' and 'json_schema'.");
        }
    }
}
