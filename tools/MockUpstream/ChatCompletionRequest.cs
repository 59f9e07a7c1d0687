using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>An error OpenAI would answer with 400.</summary>
internal sealed record RequestError(string Message, string? Param = null, string? Code = null);

/// <summary>The parts of a chat completion request the mock acts on, read from the JSON with no reflection.</summary>
internal sealed class ChatCompletionRequest
{
    public string Model { get; private set; } = string.Empty;
    public bool Stream { get; private set; }
    public bool IncludeUsage { get; private set; }

    /// <summary>What the shared decision needs; a closing <c>tool</c> message is its tool result.</summary>
    public MockPrompt Prompt { get; } = new();

    /// <summary>Reads <paramref name="root"/>, adding the text directives it finds to <paramref name="directives"/>.</summary>
    public static RequestError? TryRead(JsonElement root, MockDirectives directives, out ChatCompletionRequest request)
    {
        request = new ChatCompletionRequest();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new RequestError("Invalid type for request body: expected an object.", null, "invalid_type");
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
        {
            return new RequestError("you must provide a model parameter");
        }

        request.Model = modelName;
        if (!root.TryGetProperty("messages", out var messages))
        {
            return new RequestError("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return new RequestError("Invalid type for 'messages': expected an array of objects.", "messages", "invalid_type");
        }

        if (messages.GetArrayLength() == 0)
        {
            return new RequestError("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", "messages", "empty_array");
        }

        var error = request.ReadMessages(messages, directives)
            ?? ReasoningModelRules(root, modelName)
            ?? request.ReadMaxTokens(root, "max_completion_tokens")
            ?? request.ReadMaxTokens(root, "max_tokens");
        if (error is not null)
        {
            return error;
        }

        request.Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        request.IncludeUsage = request.Stream
            && root.TryGetProperty("stream_options", out var options)
            && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var includeUsage)
            && includeUsage.ValueKind == JsonValueKind.True;
        request.ReadTools(root);
        if (root.TryGetProperty("response_format", out var format) && format.ValueKind == JsonValueKind.Object
            && format.TryGetProperty("json_schema", out var spec) && spec.ValueKind == JsonValueKind.Object
            && spec.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
        {
            request.Prompt.RequireSchema(schema);
        }
        return null;
    }

    /// <summary>
    /// OpenAI's reasoning models (o1, o3, o4, gpt-5…) refuse <c>max_tokens</c> and any sampling value but the default,
    /// with these exact errors; other models take both.
    /// </summary>
    private static RequestError? ReasoningModelRules(JsonElement root, string model)
    {
        var name = model[(model.LastIndexOf('/') + 1)..];
        var reasoning = !name.StartsWith("gpt-5-chat", StringComparison.Ordinal)
            && new[] { "o1", "o3", "o4", "gpt-5" }.Any(p => name == p || name.StartsWith(p + "-", StringComparison.Ordinal) || name.StartsWith(p + ".", StringComparison.Ordinal));
        if (!reasoning)
        {
            return null;
        }
        if (root.TryGetProperty("max_tokens", out var maxTokens) && maxTokens.ValueKind != JsonValueKind.Null)
        {
            return new RequestError("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "max_tokens", "unsupported_parameter");
        }
        foreach (var field in new[] { "temperature", "top_p" })
        {
            if (root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number && value.GetDouble() != 1)
            {
                return new RequestError($"Unsupported value: '{field}' does not support {value.GetRawText()} with this model. Only the default (1) value is supported.", field, "unsupported_value");
            }
        }
        return null;
    }

    private RequestError? ReadMessages(JsonElement messages, MockDirectives directives)
    {
        var index = 0;
        var last = messages.GetArrayLength() - 1;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                return new RequestError($"Invalid type for 'messages[{index}]': expected an object.", $"messages[{index}]", "invalid_type");
            }

            if (!message.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
            {
                return new RequestError($"Missing required parameter: 'messages[{index}].role'.", $"messages[{index}].role", "missing_required_parameter");
            }

            var isLastTool = index == last && role.ValueEquals("tool"u8);
            Prompt.AddMessage();
            if (isLastTool)
            {
                Prompt.MarkToolResult();
            }

            if (message.TryGetProperty("content", out var content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    AddText(content.GetString()!, directives, isLastTool);
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in content.EnumerateArray())
                    {
                        if (part.ValueKind == JsonValueKind.Object
                            && part.TryGetProperty("type", out var type) && type.ValueEquals("text"u8)
                            && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                        {
                            AddText(text.GetString()!, directives, isLastTool);
                        }
                    }
                }
            }

            index++;
        }

        return null;
    }

    private void AddText(string text, MockDirectives directives, bool toolResult)
    {
        if (toolResult)
        {
            Prompt.AddToolResultText(text, directives);
        }
        else
        {
            Prompt.AddText(text, directives);
        }
    }

    private RequestError? ReadMaxTokens(JsonElement root, string name)
    {
        if (Prompt.MaxTokens is not null || !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var max))
        {
            return new RequestError($"Invalid type for '{name}': expected an integer.", name, "invalid_type");
        }

        if (max < 1)
        {
            return new RequestError($"Invalid '{name}': integer below minimum value. Expected a value >= 1, but got {max} instead.", name, "integer_below_min_value");
        }

        Prompt.MaxTokens = max;
        return null;
    }

    private void ReadTools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object && FunctionName(tool) is { } name)
            {
                Prompt.AddTool(name);
            }
        }

        if (root.TryGetProperty("tool_choice", out var choice))
        {
            if (choice.ValueKind == JsonValueKind.String)
            {
                Prompt.ToolChoiceNone = choice.ValueEquals("none"u8);
            }
            else if (choice.ValueKind == JsonValueKind.Object)
            {
                Prompt.ForcedTool = FunctionName(choice);
            }
        }
    }

    // Both a tool definition and a forced tool_choice look like {"type":"function","function":{"name":...}}.
    private static string? FunctionName(JsonElement element) =>
        element.TryGetProperty("type", out var type) && type.ValueEquals("function"u8)
        && element.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
        && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;
}
