using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>Identity shared by a completion and all chunks of its stream.</summary>
internal readonly record struct ChatCompletionHeader(string Id, long Created, string Model);

/// <summary>
/// Writes chat completion bodies and chunks in OpenAI's field order (CreateChatCompletionResponse,
/// CreateChatCompletionStreamResponse, CompletionUsage).
/// </summary>
internal static class ChatCompletionJson
{
    public const string SystemFingerprint = "fp_mock5f3c1a";

    public static void WriteCompletion(Utf8JsonWriter json, in ChatCompletionHeader header, MockOutcome outcome)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, header.Id);
        json.WriteString("object"u8, "chat.completion"u8);
        json.WriteNumber("created"u8, header.Created);
        json.WriteString("model"u8, header.Model);
        json.WriteStartArray("choices"u8);
        json.WriteStartObject();
        json.WriteNumber("index"u8, 0);
        json.WriteStartObject("message"u8);
        json.WriteString("role"u8, "assistant"u8);
        if (outcome.ToolCalls is { } calls)
        {
            json.WriteNull("content"u8);
            json.WriteStartArray("tool_calls"u8);
            foreach (var call in calls)
            {
                json.WriteStartObject();
                json.WriteString("id"u8, call.Id);
                json.WriteString("type"u8, "function"u8);
                json.WriteStartObject("function"u8);
                json.WriteString("name"u8, call.Name);
                json.WriteString("arguments"u8, call.Arguments);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteString("content"u8, outcome.Text);
        }

        json.WriteNull("refusal"u8);
        json.WriteStartArray("annotations"u8);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteNull("logprobs"u8);
        json.WriteString("finish_reason"u8, FinishReason(outcome.Finish));
        json.WriteEndObject();
        json.WriteEndArray();
        WriteUsage(json, outcome.Usage);
        json.WriteString("service_tier"u8, "default"u8);
        json.WriteString("system_fingerprint"u8, SystemFingerprint);
        json.WriteEndObject();
    }

    public static string FinishReason(MockFinish finish) => finish switch
    {
        MockFinish.Stop or MockFinish.StopSequence => "stop",
        MockFinish.Length => "length",
        MockFinish.ToolCalls => "tool_calls",
        _ => throw new ArgumentOutOfRangeException(nameof(finish)),
    };

    public static void WriteUsage(Utf8JsonWriter json, in MockUsage usage)
    {
        json.WriteStartObject("usage"u8);
        json.WriteNumber("prompt_tokens"u8, usage.PromptTokens);
        json.WriteNumber("completion_tokens"u8, usage.CompletionTokens);
        json.WriteNumber("total_tokens"u8, usage.TotalTokens);
        json.WriteStartObject("prompt_tokens_details"u8);
        json.WriteNumber("cached_tokens"u8, usage.CachedTokens);
        json.WriteNumber("audio_tokens"u8, 0);
        json.WriteEndObject();
        json.WriteStartObject("completion_tokens_details"u8);
        json.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens);
        json.WriteNumber("audio_tokens"u8, 0);
        json.WriteNumber("accepted_prediction_tokens"u8, 0);
        json.WriteNumber("rejected_prediction_tokens"u8, 0);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Opens a chunk up to and including <c>"choices":[</c>.</summary>
    public static void StartChunk(Utf8JsonWriter json, in ChatCompletionHeader header)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, header.Id);
        json.WriteString("object"u8, "chat.completion.chunk"u8);
        json.WriteNumber("created"u8, header.Created);
        json.WriteString("model"u8, header.Model);
        json.WriteString("service_tier"u8, "default"u8);
        json.WriteString("system_fingerprint"u8, SystemFingerprint);
        json.WriteStartArray("choices"u8);
    }

    /// <summary>Opens the single choice up to and including <c>"delta":{</c>.</summary>
    public static void StartChoice(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("index"u8, 0);
        json.WriteStartObject("delta"u8);
    }

    public static void EndChoice(Utf8JsonWriter json, string? finishReason)
    {
        json.WriteEndObject();
        json.WriteNull("logprobs"u8);
        if (finishReason is null)
        {
            json.WriteNull("finish_reason"u8);
        }
        else
        {
            json.WriteString("finish_reason"u8, finishReason);
        }

        json.WriteEndObject();
    }

    /// <summary>
    /// Closes <c>choices</c> and the chunk. With include_usage every chunk carries <c>"usage":null</c>
    /// except the one holding the totals; without it there is no usage field at all.
    /// </summary>
    public static void EndChunk(Utf8JsonWriter json, bool includeUsage, MockUsage? usage)
    {
        json.WriteEndArray();
        if (usage is { } value)
        {
            WriteUsage(json, value);
        }
        else if (includeUsage)
        {
            json.WriteNull("usage"u8);
        }

        json.WriteEndObject();
    }

    /// <summary>One entry of <c>delta.tool_calls</c>: the opening one names the call, later ones carry argument fragments.</summary>
    public static void WriteToolCallDelta(Utf8JsonWriter json, int index, MockToolCall call, bool opening, ReadOnlySpan<char> argumentsFragment)
    {
        json.WriteStartArray("tool_calls"u8);
        json.WriteStartObject();
        json.WriteNumber("index"u8, index);
        if (opening)
        {
            json.WriteString("id"u8, call.Id);
            json.WriteString("type"u8, "function"u8);
        }

        json.WriteStartObject("function"u8);
        if (opening)
        {
            json.WriteString("name"u8, call.Name);
        }

        json.WriteString("arguments"u8, argumentsFragment);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    }
}
