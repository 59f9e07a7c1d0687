using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>
/// The parts of a Gemini generateContent request the mock acts on (GenerateContentParameters in @google/genai,
/// REST camelCase): contents with text, functionCall and functionResponse parts, systemInstruction,
/// generationConfig (maxOutputTokens, stopSequences, thinkingConfig), tools and toolConfig.
/// </summary>
internal sealed class GeminiRequest
{
    /// <summary>Whether thought parts are shown (thinkingConfig.includeThoughts); thinking is counted either way.</summary>
    public bool IncludeThoughts { get; private set; }

    public MockPrompt Prompt { get; } = new();

    /// <summary>Reads <paramref name="root"/>; returns Google's INVALID_ARGUMENT message, or null.</summary>
    public static string? TryRead(JsonElement root, MockDirectives directives, out GeminiRequest request)
    {
        request = new GeminiRequest();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "Invalid JSON payload received. Expected an object.";
        }

        if (!root.TryGetProperty("contents", out var contents) || contents.ValueKind != JsonValueKind.Array || contents.GetArrayLength() == 0)
        {
            return "* GenerateContentRequest.contents: contents is not specified\n";
        }

        request.ReadSystemInstruction(root, directives);
        var error = request.ReadContents(contents, directives);
        if (error is not null)
        {
            return error;
        }

        request.ReadGenerationConfig(root);
        request.ReadTools(root);
        return null;
    }

    private void ReadSystemInstruction(JsonElement root, MockDirectives directives)
    {
        if (root.TryGetProperty("systemInstruction", out var system) && system.ValueKind == JsonValueKind.Object)
        {
            Prompt.AddMessage();
            ReadParts(system, closing: false, directives);
        }
    }

    private string? ReadContents(JsonElement contents, MockDirectives directives)
    {
        var index = 0;
        var last = contents.GetArrayLength() - 1;
        foreach (var content in contents.EnumerateArray())
        {
            if (content.ValueKind != JsonValueKind.Object)
            {
                return $"Invalid value at 'contents[{index}]', expected an object.";
            }

            Prompt.AddMessage();
            ReadParts(content, closing: index == last, directives);
            index++;
        }

        return null;
    }

    private void ReadParts(JsonElement content, bool closing, MockDirectives directives)
    {
        if (!content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var part in parts.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var thought = part.TryGetProperty("thought", out var thoughtFlag) && thoughtFlag.ValueKind == JsonValueKind.True;
            if (!thought && MockJson.String(part, "text") is { } text)
            {
                Prompt.AddText(text, directives);
            }
            else if (part.TryGetProperty("functionResponse", out var functionResponse) && functionResponse.ValueKind == JsonValueKind.Object)
            {
                // The function's result is its "response" object; its JSON text is what counts and is echoed.
                var result = functionResponse.TryGetProperty("response", out var response) ? response.GetRawText() : string.Empty;
                if (closing)
                {
                    Prompt.MarkToolResult();
                    Prompt.AddToolResultText(result, directives);
                }
                else
                {
                    Prompt.AddText(result, directives);
                }
            }

            // functionCall args, inlineData, fileData and thought parts do not count, as in the chat token rule.
        }
    }

    private void ReadGenerationConfig(JsonElement root)
    {
        if (!root.TryGetProperty("generationConfig", out var config) || config.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (config.TryGetProperty("maxOutputTokens", out var max) && max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out var limit))
        {
            Prompt.MaxTokens = limit;
        }

        if (config.TryGetProperty("stopSequences", out var stops) && stops.ValueKind == JsonValueKind.Array)
        {
            var list = new List<string>(stops.GetArrayLength());
            foreach (var stop in stops.EnumerateArray())
            {
                if (stop.ValueKind == JsonValueKind.String)
                {
                    list.Add(stop.GetString()!);
                }
            }

            Prompt.StopSequences = list;
        }

        if (config.TryGetProperty("responseJsonSchema", out var schema) && schema.ValueKind == JsonValueKind.Object
            || config.TryGetProperty("responseSchema", out schema) && schema.ValueKind == JsonValueKind.Object)
        {
            Prompt.RequireSchema(schema);
        }

        if (config.TryGetProperty("thinkingConfig", out var thinking) && thinking.ValueKind == JsonValueKind.Object)
        {
            IncludeThoughts = thinking.TryGetProperty("includeThoughts", out var include) && include.ValueKind == JsonValueKind.True;
            var budget = thinking.TryGetProperty("thinkingBudget", out var budgetValue) && budgetValue.TryGetInt32(out var tokens) ? tokens : (int?)null;
            // A budget of 0 turns thinking off; any other budget, or asking to see thoughts, turns it on.
            Prompt.WantsThinking = budget is null ? IncludeThoughts : budget != 0;
            IncludeThoughts &= Prompt.WantsThinking;
        }
    }

    private void ReadTools(JsonElement root)
    {
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("functionDeclarations", out var declarations)
                    || declarations.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var declaration in declarations.EnumerateArray())
                {
                    if (MockJson.String(declaration, "name") is { } name)
                    {
                        Prompt.AddTool(name);
                    }
                }
            }
        }

        if (!root.TryGetProperty("toolConfig", out var toolConfig) || toolConfig.ValueKind != JsonValueKind.Object
            || !toolConfig.TryGetProperty("functionCallingConfig", out var calling) || calling.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var mode = MockJson.String(calling, "mode");
        Prompt.ToolChoiceNone = mode == "NONE";
        if (mode == "ANY" && calling.TryGetProperty("allowedFunctionNames", out var allowed) && allowed.ValueKind == JsonValueKind.Array
            && allowed.GetArrayLength() == 1 && allowed[0].ValueKind == JsonValueKind.String)
        {
            Prompt.ForcedTool = allowed[0].GetString();
        }
    }
}
