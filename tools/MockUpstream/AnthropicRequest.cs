using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>
/// The parts of an Anthropic Messages request (or a count_tokens request) the mock acts on, validated the way
/// Anthropic validates what Claude Code depends on: non-empty text blocks and untouched thinking signatures.
/// </summary>
internal sealed class AnthropicRequest
{
    public string Model { get; private set; } = string.Empty;
    public bool Stream { get; private set; }
    public MockPrompt Prompt { get; } = new();

    /// <summary>
    /// Reads <paramref name="root"/>, adding the text directives it finds to <paramref name="directives"/>.
    /// Returns Anthropic's invalid_request_error message, or null. count_tokens does not require max_tokens.
    /// </summary>
    public static string? TryRead(JsonElement root, MockDirectives directives, bool countTokens, out AnthropicRequest request)
    {
        request = new AnthropicRequest();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "Input should be a valid dictionary or object to extract fields from";
        }

        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
        {
            return "model: Field required";
        }

        request.Model = modelName;
        if (!countTokens && request.ReadMaxTokens(root) is { } maxTokensError)
        {
            return maxTokensError;
        }

        if (!root.TryGetProperty("messages", out var messages))
        {
            return "messages: Field required";
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return "messages: Input should be a valid list";
        }

        var error = request.ReadSystem(root, directives)
            ?? request.ReadMessages(messages, directives)
            ?? request.ReadThinking(root, countTokens);
        if (error is not null)
        {
            return error;
        }

        request.Stream = !countTokens && root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
        request.ReadTools(root);
        request.ReadStopSequences(root);
        // Structured outputs: output_config.format (the older beta spelled it output_format).
        if ((root.TryGetProperty("output_config", out var output) && output.ValueKind == JsonValueKind.Object && output.TryGetProperty("format", out var format)
                || root.TryGetProperty("output_format", out format))
            && format.ValueKind == JsonValueKind.Object && format.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
        {
            request.Prompt.RequireSchema(schema);
        }
        return null;
    }

    private string? ReadMaxTokens(JsonElement root)
    {
        if (!root.TryGetProperty("max_tokens", out var maxTokens) || maxTokens.ValueKind == JsonValueKind.Null)
        {
            return "max_tokens: Field required";
        }

        if (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt32(out var max))
        {
            return "max_tokens: Input should be a valid integer";
        }

        // Zero is allowed: it warms the prompt cache without generating anything.
        if (max < 0)
        {
            return "max_tokens: Input should be greater than or equal to 0";
        }

        Prompt.MaxTokens = max;
        return null;
    }

    private string? ReadSystem(JsonElement root, MockDirectives directives)
    {
        if (!root.TryGetProperty("system", out var system) || system.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        Prompt.AddMessage();
        if (system.ValueKind == JsonValueKind.String)
        {
            Prompt.AddText(system.GetString()!, directives);
            return null;
        }

        if (system.ValueKind != JsonValueKind.Array)
        {
            return "system: Input should be a valid string";
        }

        foreach (var block in system.EnumerateArray())
        {
            if (TextOf(block) is { } text)
            {
                if (EmptyTextError("system", text) is { } error)
                {
                    return error;
                }

                Prompt.AddText(text, directives);
            }
        }

        return null;
    }

    private string? ReadMessages(JsonElement messages, MockDirectives directives)
    {
        var index = 0;
        var last = messages.GetArrayLength() - 1;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object)
            {
                return $"messages.{index}: Input should be a valid dictionary";
            }

            // Newer clients also send system text as a "system" turn inside messages (MessageParam's third role).
            var role = message.TryGetProperty("role", out var roleValue) ? roleValue : default;
            var isUser = MockJson.Is(role, "user"u8);
            if (!isUser && !MockJson.Is(role, "assistant"u8) && !MockJson.Is(role, "system"u8))
            {
                return $"messages.{index}.role: Input should be 'user', 'assistant' or 'system'";
            }

            if (!message.TryGetProperty("content", out var content))
            {
                return $"messages.{index}.content: Field required";
            }

            Prompt.AddMessage();
            var error = content.ValueKind switch
            {
                JsonValueKind.String => ReadStringContent(content.GetString()!, directives),
                JsonValueKind.Array => ReadBlocks(content, index, closing: isUser && index == last, directives),
                _ => $"messages.{index}.content: Input should be a valid list",
            };
            if (error is not null)
            {
                return error;
            }

            index++;
        }

        return null;
    }

    private string? ReadStringContent(string text, MockDirectives directives)
    {
        if (EmptyTextError("messages", text) is { } error)
        {
            return error;
        }

        Prompt.AddText(text, directives);
        return null;
    }

    private string? ReadBlocks(JsonElement blocks, int messageIndex, bool closing, MockDirectives directives)
    {
        var blockIndex = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type", out var type))
            {
                return $"messages.{messageIndex}.content.{blockIndex}: Input should be a valid dictionary";
            }

            string? error = null;
            if (MockJson.Is(type, "text"u8))
            {
                var text = TextOf(block) ?? string.Empty;
                error = EmptyTextError("messages", text);
                if (error is null)
                {
                    Prompt.AddText(text, directives);
                }
            }
            else if (MockJson.Is(type, "tool_result"u8))
            {
                error = ReadToolResult(block, closing, directives);
            }
            else if (MockJson.Is(type, "thinking"u8) && !AnthropicSignatures.IsValid(block))
            {
                // A client or gateway that re-serialises or drops the signature gets what Anthropic answers.
                error = $"messages.{messageIndex}.content.{blockIndex}: Invalid `signature` in `thinking` block";
            }

            // tool_use inputs, images, documents and redacted thinking do not count, as in the chat token rule.
            if (error is not null)
            {
                return error;
            }

            blockIndex++;
        }

        return null;
    }

    private string? ReadToolResult(JsonElement block, bool closing, MockDirectives directives)
    {
        // Only a tool result in the final user turn is what the model answers; earlier ones are history.
        if (closing)
        {
            Prompt.MarkToolResult();
        }

        if (!block.TryGetProperty("content", out var content))
        {
            return null;
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            AddToolText(content.GetString()!, closing, directives);
            return null;
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && MockJson.Is(type, "text"u8))
                {
                    var text = TextOf(part) ?? string.Empty;
                    if (EmptyTextError("messages", text) is { } error)
                    {
                        return error;
                    }

                    AddToolText(text, closing, directives);
                }
            }
        }

        return null;
    }

    private void AddToolText(string text, bool closing, MockDirectives directives)
    {
        if (closing)
        {
            Prompt.AddToolResultText(text, directives);
        }
        else
        {
            Prompt.AddText(text, directives);
        }
    }

    private string? ReadThinking(JsonElement root, bool countTokens)
    {
        if (!root.TryGetProperty("thinking", out var thinking) || thinking.ValueKind != JsonValueKind.Object
            || !thinking.TryGetProperty("type", out var type))
        {
            return null;
        }

        if (MockJson.Is(type, "adaptive"u8))
        {
            Prompt.WantsThinking = true;
            return null;
        }

        if (!MockJson.Is(type, "enabled"u8))
        {
            return null;
        }

        if (!thinking.TryGetProperty("budget_tokens", out var budget) || !budget.TryGetInt32(out var budgetTokens))
        {
            return "thinking.enabled.budget_tokens: Field required";
        }

        if (budgetTokens < 1024)
        {
            return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
        }

        if (!countTokens && Prompt.MaxTokens is int max && max <= budgetTokens)
        {
            return "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size";
        }

        Prompt.WantsThinking = true;
        return null;
    }

    private void ReadTools(JsonElement root)
    {
        if (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array)
        {
            foreach (var tool in tools.EnumerateArray())
            {
                // Custom tools have no type (or "custom"); server tools such as web_search run at Anthropic, not here.
                var custom = !tool.TryGetProperty("type", out var type) || type.ValueKind == JsonValueKind.Null || MockJson.Is(type, "custom"u8);
                if (custom && tool.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    Prompt.AddTool(name.GetString()!);
                }
            }
        }

        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind != JsonValueKind.Object
            || !choice.TryGetProperty("type", out var choiceType))
        {
            return;
        }

        Prompt.ToolChoiceNone = MockJson.Is(choiceType, "none"u8);
        if (MockJson.Is(choiceType, "tool"u8) && choice.TryGetProperty("name", out var forced) && forced.ValueKind == JsonValueKind.String)
        {
            Prompt.ForcedTool = forced.GetString();
        }

        Prompt.SingleToolOnly = choice.TryGetProperty("disable_parallel_tool_use", out var single) && single.ValueKind == JsonValueKind.True;
    }

    private void ReadStopSequences(JsonElement root)
    {
        if (!root.TryGetProperty("stop_sequences", out var stops) || stops.ValueKind != JsonValueKind.Array)
        {
            return;
        }

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

    private static string? TextOf(JsonElement block) => MockJson.String(block, "text");

    // Anthropic rejects empty text blocks with one message and whitespace-only ones with another.
    private static string? EmptyTextError(string where, string text) =>
        text.Length == 0 ? $"{where}: text content blocks must be non-empty"
        : string.IsNullOrWhiteSpace(text) ? $"{where}: text content blocks must contain non-whitespace text"
        : null;
}
