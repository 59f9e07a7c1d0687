using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>
/// The parts of an OpenAI Responses request the mock acts on or echoes back in the Response object
/// (CreateResponse in openai-openapi): input as a string or items, instructions, function tools,
/// tool_choice, max_output_tokens, reasoning, text.format, store and previous_response_id.
/// </summary>
internal sealed class ResponsesRequest
{
    // The Responses API refuses smaller limits, unlike Chat Completions.
    public const int MinOutputTokens = 16;

    public string Model { get; private set; } = string.Empty;
    public bool Stream { get; private set; }
    public bool Store { get; private set; } = true;
    public string? PreviousResponseId { get; private set; }
    public string? Instructions { get; private set; }
    public int? MaxOutputTokens { get; private set; }
    public bool ParallelToolCalls { get; private set; } = true;

    /// <summary>reasoning.effort and reasoning.summary as sent (null when absent), echoed in the Response.</summary>
    public string? ReasoningEffort { get; private set; }
    public string? ReasoningSummary { get; private set; }

    /// <summary><c>include</c> holds <c>reasoning.encrypted_content</c>: reasoning items carry their encrypted content.</summary>
    public bool IncludeEncryptedReasoning { get; private set; }

    /// <summary>Raw JSON of fields the Response echoes unchanged; null means the API default.</summary>
    public string? ToolChoiceJson { get; private set; }
    public string? ToolsJson { get; private set; }
    public string? TextFormatJson { get; private set; }
    public string? MetadataJson { get; private set; }
    public double? Temperature { get; private set; }
    public double? TopP { get; private set; }
    public string? User { get; private set; }

    public MockPrompt Prompt { get; } = new();

    /// <summary>Reads <paramref name="root"/>, adding the text directives it finds to <paramref name="directives"/>.</summary>
    public static RequestError? TryRead(JsonElement root, MockDirectives directives, out ResponsesRequest request)
    {
        request = new ResponsesRequest();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new RequestError("Invalid type for request body: expected an object.", null, "invalid_type");
        }

        if (MockJson.String(root, "model") is not { Length: > 0 } model)
        {
            return new RequestError("Missing required parameter: 'model'.", "model", "missing_required_parameter");
        }

        request.Model = model;
        var error = request.ReadOptions(root)
            ?? request.ReadInstructions(root, directives)
            ?? request.ReadInput(root, directives);
        if (error is not null)
        {
            return error;
        }

        request.ReadTools(root);
        return null;
    }

    private RequestError? ReadOptions(JsonElement root)
    {
        Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        Store = !(root.TryGetProperty("store", out var store) && store.ValueKind == JsonValueKind.False);
        PreviousResponseId = MockJson.String(root, "previous_response_id");
        User = MockJson.String(root, "user");
        Temperature = Number(root, "temperature");
        TopP = Number(root, "top_p");
        MetadataJson = root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object ? metadata.GetRawText() : null;
        if (root.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.Object
            && text.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.Object)
        {
            TextFormatJson = format.GetRawText();
            if (format.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
            {
                Prompt.RequireSchema(schema);
            }
        }

        if (root.TryGetProperty("include", out var include) && include.ValueKind == JsonValueKind.Array)
        {
            IncludeEncryptedReasoning = include.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.String && i.ValueEquals("reasoning.encrypted_content"));
        }

        if (root.TryGetProperty("reasoning", out var reasoning) && reasoning.ValueKind == JsonValueKind.Object)
        {
            ReasoningEffort = MockJson.String(reasoning, "effort");
            ReasoningSummary = MockJson.String(reasoning, "summary");
            // Reasoning models think unless told effort "none"; the mock shows it as a reasoning item.
            Prompt.WantsThinking = ReasoningEffort != "none";
        }

        if (root.TryGetProperty("max_output_tokens", out var max) && max.ValueKind != JsonValueKind.Null)
        {
            if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out var limit))
            {
                return new RequestError("Invalid type for 'max_output_tokens': expected an integer.", "max_output_tokens", "invalid_type");
            }

            if (limit < MinOutputTokens)
            {
                return new RequestError(
                    $"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= {MinOutputTokens}, but got {limit} instead.",
                    "max_output_tokens",
                    "integer_below_min_value");
            }

            MaxOutputTokens = limit;
            Prompt.MaxTokens = limit;
        }

        return null;
    }

    private RequestError? ReadInstructions(JsonElement root, MockDirectives directives)
    {
        if (MockJson.String(root, "instructions") is { } instructions)
        {
            Instructions = instructions;
            Prompt.AddMessage();
            Prompt.AddText(instructions, directives);
        }

        return null;
    }

    private RequestError? ReadInput(JsonElement root, MockDirectives directives)
    {
        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            Prompt.AddMessage();
            Prompt.AddText(input.GetString()!, directives);
            return null;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return new RequestError("Invalid type for 'input': expected one of a string or array of input items.", "input", "invalid_type");
        }

        var index = 0;
        var last = input.GetArrayLength() - 1;
        foreach (var item in input.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return new RequestError($"Invalid type for 'input[{index}]': expected an object.", $"input[{index}]", "invalid_type");
            }

            ReadItem(item, closing: index == last, directives);
            index++;
        }

        return null;
    }

    private void ReadItem(JsonElement item, bool closing, MockDirectives directives)
    {
        var type = item.TryGetProperty("type", out var typeValue) ? typeValue : default;
        // An item without a type but with a role is the "easy" message form.
        if (MockJson.Is(type, "message"u8) || (type.ValueKind == JsonValueKind.Undefined && item.TryGetProperty("role", out _)))
        {
            Prompt.AddMessage();
            ReadContent(item, "content", closing: false, directives);
        }
        else if (MockJson.Is(type, "function_call"u8))
        {
            // Like an assistant tool call in chat: framing counts, arguments do not.
            Prompt.AddMessage();
        }
        else if (MockJson.Is(type, "function_call_output"u8))
        {
            Prompt.AddMessage();
            if (closing)
            {
                Prompt.MarkToolResult();
            }

            ReadContent(item, "output", closing, directives);
        }

        // Reasoning items, item references and unknown items carry nothing the token rule counts.
    }

    private void ReadContent(JsonElement item, string property, bool closing, MockDirectives directives)
    {
        if (!item.TryGetProperty(property, out var content))
        {
            return;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            AddText(content.GetString()!, closing, directives);
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var part in content.EnumerateArray())
        {
            var type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var typeValue) ? typeValue : default;
            if ((MockJson.Is(type, "input_text"u8) || MockJson.Is(type, "output_text"u8)) && MockJson.String(part, "text") is { } text)
            {
                AddText(text, closing, directives);
            }
        }
    }

    private void AddText(string text, bool toolResult, MockDirectives directives)
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

    private void ReadTools(JsonElement root)
    {
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            ToolsJson = tools.GetRawText();
            foreach (var tool in tools.EnumerateArray())
            {
                // Responses tools are flat: {"type":"function","name":...}, unlike Chat Completions' nested function.
                if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("type", out var type) && MockJson.Is(type, "function"u8)
                    && MockJson.String(tool, "name") is { } name)
                {
                    Prompt.AddTool(name);
                }
            }
        }

        ParallelToolCalls = !(root.TryGetProperty("parallel_tool_calls", out var parallel) && parallel.ValueKind == JsonValueKind.False);
        Prompt.SingleToolOnly = !ParallelToolCalls;
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        ToolChoiceJson = choice.GetRawText();
        if (choice.ValueKind == JsonValueKind.String)
        {
            Prompt.ToolChoiceNone = MockJson.Is(choice, "none"u8);
        }
        else if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("type", out var choiceType) && MockJson.Is(choiceType, "function"u8))
        {
            Prompt.ForcedTool = MockJson.String(choice, "name");
        }
    }

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
