using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>Identity shared by a message and every event of its stream.</summary>
internal readonly record struct AnthropicHeader(string Id, string Model);

/// <summary>
/// Writes Anthropic Messages bodies and stream events with the field names of the TypeScript SDK's
/// messages.ts (Message, Usage, MessageDeltaUsage, ContentBlock, Raw*Event).
/// </summary>
internal static class AnthropicJson
{
    // The thinking text is a constant, so its signature is computed once rather than per request.
    private static readonly string DefaultSignature = AnthropicSignatures.Compute(MockOutcome.ThinkingText);

    public static string StopReason(MockFinish finish) => finish switch
    {
        MockFinish.Stop => "end_turn",
        MockFinish.Length => "max_tokens",
        MockFinish.StopSequence => "stop_sequence",
        MockFinish.ToolCalls => "tool_use",
        _ => throw new ArgumentOutOfRangeException(nameof(finish)),
    };

    /// <summary>
    /// A Message. The stream's message_start carries it with empty content, null stop fields and
    /// output_tokens 1 (<paramref name="complete"/> false); the plain response carries it whole.
    /// </summary>
    public static void WriteMessage(Utf8JsonWriter json, in AnthropicHeader header, MockOutcome outcome, bool complete)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, header.Id);
        json.WriteString("type"u8, "message"u8);
        json.WriteString("role"u8, "assistant"u8);
        json.WriteString("model"u8, header.Model);
        json.WriteStartArray("content"u8);
        if (complete)
        {
            WriteContent(json, outcome);
        }

        json.WriteEndArray();
        if (complete)
        {
            json.WriteString("stop_reason"u8, StopReason(outcome.Finish));
            WriteStopSequence(json, outcome);
        }
        else
        {
            json.WriteNull("stop_reason"u8);
            json.WriteNull("stop_sequence"u8);
        }

        json.WriteNull("stop_details"u8);
        WriteUsage(json, outcome.Usage, complete ? outcome.Usage.CompletionTokens : 1);
        json.WriteEndObject();
    }

    public static void WriteStopSequence(Utf8JsonWriter json, MockOutcome outcome)
    {
        if (outcome.StopSequence is { } stop)
        {
            json.WriteString("stop_sequence"u8, stop);
        }
        else
        {
            json.WriteNull("stop_sequence"u8);
        }
    }

    /// <summary>
    /// Usage: input_tokens excludes both cache reads and cache writes, so the three add up to the whole prompt.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter json, in MockUsage usage, int outputTokens)
    {
        json.WriteStartObject("usage"u8);
        json.WriteNumber("input_tokens"u8, usage.UncachedPromptTokens);
        json.WriteNumber("cache_creation_input_tokens"u8, usage.CacheWriteTokens);
        json.WriteNumber("cache_read_input_tokens"u8, usage.CachedTokens);
        json.WriteStartObject("cache_creation"u8);
        json.WriteNumber("ephemeral_5m_input_tokens"u8, usage.CacheWriteTokens);
        json.WriteNumber("ephemeral_1h_input_tokens"u8, 0);
        json.WriteEndObject();
        json.WriteNumber("output_tokens"u8, outputTokens);
        json.WriteString("service_tier"u8, "standard"u8);
        json.WriteEndObject();
    }

    /// <summary>message_delta's usage: cumulative counts, output included.</summary>
    public static void WriteDeltaUsage(Utf8JsonWriter json, in MockUsage usage)
    {
        json.WriteStartObject("usage"u8);
        json.WriteNumber("input_tokens"u8, usage.UncachedPromptTokens);
        json.WriteNumber("cache_creation_input_tokens"u8, usage.CacheWriteTokens);
        json.WriteNumber("cache_read_input_tokens"u8, usage.CachedTokens);
        json.WriteNumber("output_tokens"u8, usage.CompletionTokens);
        json.WriteEndObject();
    }

    /// <summary>The content blocks in order: thinking (when asked for), then tool_use blocks or the text.</summary>
    public static void WriteContent(Utf8JsonWriter json, MockOutcome outcome)
    {
        if (outcome.Thinking is { } thinking)
        {
            WriteThinkingBlock(json, thinking, Signature(outcome));
        }

        if (outcome.ToolCalls is { } calls)
        {
            foreach (var call in calls)
            {
                WriteToolUseBlock(json, call, MockJson.ArgumentsObject(call.Arguments));
            }
        }
        else if (!string.IsNullOrEmpty(outcome.Text))
        {
            WriteTextBlock(json, outcome.Text);
        }
    }

    public static string Signature(MockOutcome outcome) =>
        outcome.Thinking == MockOutcome.ThinkingText ? DefaultSignature : AnthropicSignatures.Compute(outcome.Thinking ?? string.Empty);

    public static void WriteTextBlock(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "text"u8);
        json.WriteString("text"u8, text);
        json.WriteEndObject();
    }

    public static void WriteThinkingBlock(Utf8JsonWriter json, string thinking, string signature)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "thinking"u8);
        json.WriteString("thinking"u8, thinking);
        json.WriteString("signature"u8, signature);
        json.WriteEndObject();
    }

    public static void WriteToolUseBlock(Utf8JsonWriter json, MockToolCall call, string input)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "tool_use"u8);
        json.WriteString("id"u8, call.Id);
        // ToolUseBlock.caller is required (the C# SDK rejects a block without it); a client tool is called directly.
        json.WriteStartObject("caller"u8);
        json.WriteString("type"u8, "direct"u8);
        json.WriteEndObject();
        json.WriteString("name"u8, call.Name);
        json.WritePropertyName("input"u8);
        json.WriteRawValue(input, skipInputValidation: true);
        json.WriteEndObject();
    }
}
