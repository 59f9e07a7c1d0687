using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Protocols.Gemini;

public sealed partial class GeminiCodec
{
    /// <summary>Model is left empty: it is the URL's, and the relay fills it in.</summary>
    public ChatRequest? ReadRequest(ReadOnlyMemory<byte> body, out GatewayError? error) => CanonicalRequestReader.Read(body, Read, out error);

    private static ChatRequest Read(JsonElement root)
    {
        // countTokens may hold a whole generateContentRequest instead of bare contents.
        if (!root.TryGetProperty("contents", out _) && root.TryGetProperty("generateContentRequest", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object)
        {
            root = wrapped;
        }
        if (!root.TryGetProperty("contents", out var contents) || contents.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidRequestException("contents", "* GenerateContentRequest.contents: contents is not specified");
        }
        if (Str(root, "cachedContent") is not null)
        {
            throw new InvalidRequestException("cachedContent", "cachedContent refers to a cache held by Gemini and can be served only by a Gemini channel.");
        }
        var calls = new CallLedger();
        var messages = new List<ChatMessage>();
        var index = 0;
        foreach (var content in contents.EnumerateArray())
        {
            var message = ReadContent(content, $"contents[{index}]", calls);
            if (message.Content.Count > 0)
            {
                messages.Add(message);
            }
            index++;
        }
        var config = root.TryGetProperty("generationConfig", out var g) && g.ValueKind == JsonValueKind.Object ? g : default;
        if (config.ValueKind == JsonValueKind.Object && Integer(config, "candidateCount", "generationConfig.candidateCount") is > 1)
        {
            throw new InvalidRequestException("generationConfig.candidateCount", "generationConfig.candidateCount above 1 can be served only by a Gemini channel.");
        }
        return new ChatRequest
        {
            Model = "",
            System = ReadSystem(root),
            Messages = messages,
            Tools = ReadTools(root),
            ToolChoice = ReadToolConfig(root),
            MaxTokens = config.ValueKind == JsonValueKind.Object ? Integer(config, "maxOutputTokens", "generationConfig.maxOutputTokens") : null,
            StopSequences = ReadStopSequences(config),
            Temperature = Number(config, "temperature"),
            TopP = Number(config, "topP"),
            TopK = config.ValueKind == JsonValueKind.Object && Integer(config, "topK", "generationConfig.topK") is { } topK ? (int)Math.Clamp(topK, 0, int.MaxValue) : null,
            Thinking = ReadThinking(config),
            ResponseFormat = ReadResponseFormat(config),
            ClientWantsUsage = true,
        };
    }

    /// <summary>
    /// Gemini pairs a functionResponse with its call by name (or by id, when the call had one); canonical results
    /// name the call's id. Calls without an id get one here, and each response takes the oldest open call of its name.
    /// </summary>
    private sealed class CallLedger
    {
        private readonly Dictionary<string, Queue<string>> _open = new(StringComparer.Ordinal);
        private int _made;

        public string Call(string name, string? id)
        {
            id ??= $"call_{++_made}_{name}";
            if (!_open.TryGetValue(name, out var queue))
            {
                _open[name] = queue = new Queue<string>();
            }
            queue.Enqueue(id);
            return id;
        }

        public string Answer(string name, string? id)
        {
            if (_open.TryGetValue(name, out var queue) && queue.Count > 0)
            {
                var oldest = queue.Dequeue();
                return id ?? oldest;
            }
            return id ?? $"call_{++_made}_{name}";
        }
    }

    private static ChatMessage ReadContent(JsonElement content, string path, CallLedger calls)
    {
        if (content.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException(path, $"Invalid value at '{path}', expected an object.");
        }
        var role = Str(content, "role") switch
        {
            null or "user" or "function" => ChatRole.User,
            "model" => ChatRole.Assistant,
            var other => throw new InvalidRequestException($"{path}.role", $"Please use a valid role: user, model. Got '{other}' at {path}.role."),
        };
        var parts = new List<ContentPart>();
        if (content.TryGetProperty("parts", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var part in list.EnumerateArray())
            {
                if (ReadPart(part, $"{path}.parts[{index++}]", calls) is { } read)
                {
                    parts.Add(read);
                }
            }
        }
        return new ChatMessage(role, parts);
    }

    private static ContentPart? ReadPart(JsonElement part, string path, CallLedger calls)
    {
        if (part.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException(path, $"Invalid value at '{path}', expected an object.");
        }
        if (part.TryGetProperty("functionCall", out var call) && call.ValueKind == JsonValueKind.Object)
        {
            var name = Str(call, "name") ?? throw new InvalidRequestException($"{path}.functionCall.name", $"* {path}.functionCall.name: Name cannot be empty.");
            var args = call.TryGetProperty("args", out var a) && a.ValueKind == JsonValueKind.Object ? a.GetRawText() : "{}";
            return new ToolCallPart(calls.Call(name, Str(call, "id")), name, args) { ThoughtSignature = Str(part, "thoughtSignature") };
        }
        if (part.TryGetProperty("functionResponse", out var response) && response.ValueKind == JsonValueKind.Object)
        {
            var name = Str(response, "name") ?? throw new InvalidRequestException($"{path}.functionResponse.name", $"* {path}.functionResponse.name: Name cannot be empty.");
            var (text, isError) = ResultText(response.TryGetProperty("response", out var r) ? r : default);
            return new ToolResultPart(calls.Answer(name, Str(response, "id")), [new TextPart(text)], isError);
        }
        if (part.TryGetProperty("executableCode", out _) || part.TryGetProperty("codeExecutionResult", out _))
        {
            throw new InvalidRequestException(path, $"{path}: code execution parts can be served only by a Gemini channel.");
        }
        return GeminiParts.ReadMedia(part);
    }

    /// <summary>
    /// A function's <c>response</c> object as result text: <c>{"output": "…"}</c> (Google's documented key) is its
    /// text, <c>{"error": …}</c> a failed call, any other object its JSON.
    /// </summary>
    private static (string Text, bool IsError) ResultText(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object)
        {
            return (response.ValueKind == JsonValueKind.Undefined ? "" : response.GetRawText(), false);
        }
        using var properties = response.EnumerateObject();
        var only = properties.Take(2).ToList();
        if (only is [{ } single] && (single.NameEquals("output") || single.NameEquals("error")))
        {
            var text = single.Value.ValueKind == JsonValueKind.String ? single.Value.GetString()! : single.Value.GetRawText();
            return (text, single.NameEquals("error"));
        }
        return (response.GetRawText(), false);
    }

    private static List<TextPart> ReadSystem(JsonElement root)
    {
        if (!root.TryGetProperty("systemInstruction", out var system) || system.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (system.ValueKind == JsonValueKind.String)
        {
            return [new TextPart(system.GetString()!)];
        }
        if (system.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidRequestException("systemInstruction", "Invalid value at 'system_instruction', expected a Content object.");
        }
        return system.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array
            ? parts.EnumerateArray().Select(p => Str(p, "text")).OfType<string>().Select(t => new TextPart(t)).ToList()
            : [];
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
            if (tool.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            foreach (var property in tool.EnumerateObject())
            {
                if (!property.NameEquals("functionDeclarations"))
                {
                    throw new InvalidRequestException($"tools[{index}].{property.Name}", $"tools[{index}]: the built-in tool '{property.Name}' can be served only by a Gemini channel.");
                }
                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }
                foreach (var declaration in property.Value.EnumerateArray())
                {
                    var schema = declaration.TryGetProperty("parametersJsonSchema", out var json) && json.ValueKind == JsonValueKind.Object
                        ? json.Clone()
                        : declaration.TryGetProperty("parameters", out var openApi) && openApi.ValueKind == JsonValueKind.Object ? GeminiSchema.ToJsonSchema(openApi) : (JsonElement?)null;
                    result.Add(new ToolDefinition(Str(declaration, "name") ?? "", Str(declaration, "description"), schema));
                }
            }
            index++;
        }
        return result;
    }

    private static ToolChoice? ReadToolConfig(JsonElement root)
    {
        if (!root.TryGetProperty("toolConfig", out var config) || !config.TryGetProperty("functionCallingConfig", out var calling) || calling.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var allowed = calling.TryGetProperty("allowedFunctionNames", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToList()
            : [];
        return Str(calling, "mode") switch
        {
            "NONE" => new ToolChoice(ToolChoiceKind.None),
            "ANY" when allowed.Count == 1 => new ToolChoice(ToolChoiceKind.Tool, allowed[0]),
            "ANY" => new ToolChoice(ToolChoiceKind.Any),
            _ => new ToolChoice(ToolChoiceKind.Auto),
        };
    }

    private static List<string> ReadStopSequences(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("stopSequences", out var stops) || stops.ValueKind != JsonValueKind.Array)
        {
            return [];
        }
        return stops.EnumerateArray().Select((s, i) => s.ValueKind == JsonValueKind.String
            ? s.GetString()!
            : throw new InvalidRequestException($"generationConfig.stopSequences[{i}]", $"Invalid value at 'generation_config.stop_sequences[{i}]', expected a string.")).ToList();
    }

    /// <summary>
    /// thinkingBudget 0 turns thinking off, -1 leaves the budget to the model; thinkingLevel (Gemini 3) is an effort.
    /// includeThoughts alone asks for thinking the model does anyway.
    /// </summary>
    private static ThinkingConfig? ReadThinking(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("thinkingConfig", out var thinking) || thinking.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var budget = Integer(thinking, "thinkingBudget", "generationConfig.thinkingConfig.thinkingBudget");
        var level = Str(thinking, "thinkingLevel")?.ToLowerInvariant();
        if (budget == 0)
        {
            return null;
        }
        if (budget is null && level is null && !IsTrue(thinking, "includeThoughts"))
        {
            return null;
        }
        return new ThinkingConfig(true, budget is > 0 ? budget : null, level is "low" or "medium" or "high" ? level : null);
    }

    /// <summary>responseMimeType application/json (with a schema) as OpenAI's response_format, the canonical form.</summary>
    private static JsonElement? ReadResponseFormat(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object || Str(config, "responseMimeType") != "application/json")
        {
            return null;
        }
        JsonElement? schema = config.TryGetProperty("responseJsonSchema", out var json) && json.ValueKind == JsonValueKind.Object ? json
            : config.TryGetProperty("responseSchema", out var openApi) && openApi.ValueKind == JsonValueKind.Object ? GeminiSchema.ToJsonSchema(openApi) : null;
        var output = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions))
        {
            writer.WriteStartObject();
            if (schema is { } value)
            {
                writer.WriteString("type", "json_schema");
                writer.WriteStartObject("json_schema");
                writer.WriteString("name", "response");
                writer.WritePropertyName("schema");
                value.WriteTo(writer);
                writer.WriteEndObject();
            }
            else
            {
                writer.WriteString("type", "json_object");
            }
            writer.WriteEndObject();
        }
        using var document = JsonDocument.Parse(output.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static long? Integer(JsonElement element, string name, string path)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new InvalidRequestException(path, $"Invalid value at '{path}', expected an integer.");
    }

    private static double? Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new InvalidRequestException($"generationConfig.{name}", $"Invalid value at 'generation_config.{name}', expected a number.");
    }
}
