using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>One Response being answered: the request it echoes, the decided outcome and the ids of its output items.</summary>
internal sealed class ResponseDraft
{
    public ResponseDraft(ResponsesRequest request, MockOutcome outcome, long createdAt)
    {
        Request = request;
        Outcome = outcome;
        CreatedAt = createdAt;
        ReasoningId = outcome.Thinking is null ? null : MockIds.ReasoningItemId();
        MessageId = outcome.ToolCalls is null ? MockIds.ResponseMessageId() : null;
        CallItemIds = outcome.ToolCalls is { } calls ? Array.ConvertAll(calls, static _ => MockIds.FunctionCallItemId()) : [];
    }

    public string Id { get; } = MockIds.ResponseId();
    public long CreatedAt { get; }
    public ResponsesRequest Request { get; }
    public MockOutcome Outcome { get; }
    public string? ReasoningId { get; }
    public string? MessageId { get; }
    public string[] CallItemIds { get; }

    /// <summary>"incomplete" when max_output_tokens cut the reply, as the Responses API reports it.</summary>
    public bool Incomplete => Outcome.Finish == MockFinish.Length;

    /// <summary>The reasoning summary text, when the request asked for one (reasoning.summary set).</summary>
    public string? Summary => Request.ReasoningSummary is not null ? Outcome.Thinking : null;

    /// <summary>
    /// The reasoning item's <c>encrypted_content</c> when the request's <c>include</c> asked for
    /// <c>reasoning.encrypted_content</c> (what stateless clients such as Codex send back with <c>store: false</c>).
    /// </summary>
    public string? EncryptedReasoning => Request.IncludeEncryptedReasoning && ReasoningId is { } id
        ? "gAAAAA" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("mock-encrypted-reasoning:" + id))
        : null;

    /// <summary>What a continuation counts as history: this response's prompt plus its output items.</summary>
    public int ContextTokens
    {
        get
        {
            var tokens = Outcome.Usage.PromptTokens;
            if (Outcome.ToolCalls is { } calls)
            {
                return tokens + (calls.Length * MockTokens.PerMessageTokens);
            }

            return tokens + MockTokens.PerMessageTokens + MockTokens.Count(Outcome.Text);
        }
    }
}

/// <summary>Writes the Response object, its output items and usage with the field names of openai-openapi's Response schemas.</summary>
internal static class ResponsesJson
{
    /// <summary>Which state of the Response to write: the opening events carry it empty and in progress.</summary>
    public enum Phase
    {
        InProgress,
        Final,
        Failed,
    }

    public static void WriteResponse(Utf8JsonWriter json, ResponseDraft draft, Phase phase, string? errorCode = null)
    {
        var request = draft.Request;
        json.WriteStartObject();
        json.WriteString("id"u8, draft.Id);
        json.WriteString("object"u8, "response"u8);
        json.WriteNumber("created_at"u8, draft.CreatedAt);
        json.WriteString("status"u8, phase switch
        {
            Phase.InProgress => "in_progress",
            Phase.Failed => "failed",
            _ => draft.Incomplete ? "incomplete" : "completed",
        });
        if (phase == Phase.Failed)
        {
            json.WriteStartObject("error"u8);
            json.WriteString("code"u8, errorCode ?? "server_error");
            json.WriteString("message"u8, "The model failed to generate a response (injected by the stream_error directive).");
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("error"u8);
        }

        if (phase == Phase.Final && draft.Incomplete)
        {
            json.WriteStartObject("incomplete_details"u8);
            json.WriteString("reason"u8, "max_output_tokens"u8);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("incomplete_details"u8);
        }

        WriteNullableString(json, "instructions"u8, request.Instructions);
        if (request.MaxOutputTokens is int max)
        {
            json.WriteNumber("max_output_tokens"u8, max);
        }
        else
        {
            json.WriteNull("max_output_tokens"u8);
        }

        json.WriteString("model"u8, request.Model);
        json.WriteStartArray("output"u8);
        if (phase == Phase.Final)
        {
            WriteOutput(json, draft);
        }

        json.WriteEndArray();
        json.WriteBoolean("parallel_tool_calls"u8, request.ParallelToolCalls);
        WriteNullableString(json, "previous_response_id"u8, request.PreviousResponseId);
        json.WriteStartObject("reasoning"u8);
        WriteNullableString(json, "effort"u8, request.ReasoningEffort);
        WriteNullableString(json, "summary"u8, request.ReasoningSummary);
        json.WriteEndObject();
        json.WriteBoolean("store"u8, request.Store);
        json.WriteNumber("temperature"u8, request.Temperature ?? 1.0);
        json.WriteStartObject("text"u8);
        json.WritePropertyName("format"u8);
        json.WriteRawValue(request.TextFormatJson ?? """{"type":"text"}""", skipInputValidation: true);
        json.WriteEndObject();
        json.WritePropertyName("tool_choice"u8);
        json.WriteRawValue(request.ToolChoiceJson ?? "\"auto\"", skipInputValidation: true);
        json.WritePropertyName("tools"u8);
        json.WriteRawValue(request.ToolsJson ?? "[]", skipInputValidation: true);
        json.WriteNumber("top_p"u8, request.TopP ?? 1.0);
        json.WriteString("truncation"u8, "disabled"u8);
        if (phase == Phase.Final)
        {
            WriteUsage(json, draft.Outcome.Usage);
        }
        else
        {
            json.WriteNull("usage"u8);
        }

        WriteNullableString(json, "user"u8, request.User);
        json.WritePropertyName("metadata"u8);
        json.WriteRawValue(request.MetadataJson ?? "{}", skipInputValidation: true);
        json.WriteEndObject();
    }

    /// <summary>ResponseUsage: input_tokens includes cached_tokens; output_tokens includes reasoning_tokens.</summary>
    public static void WriteUsage(Utf8JsonWriter json, in MockUsage usage)
    {
        json.WriteStartObject("usage"u8);
        json.WriteNumber("input_tokens"u8, usage.PromptTokens);
        json.WriteStartObject("input_tokens_details"u8);
        json.WriteNumber("cached_tokens"u8, usage.CachedTokens);
        json.WriteEndObject();
        json.WriteNumber("output_tokens"u8, usage.CompletionTokens);
        json.WriteStartObject("output_tokens_details"u8);
        json.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens);
        json.WriteEndObject();
        json.WriteNumber("total_tokens"u8, usage.TotalTokens);
        json.WriteEndObject();
    }

    public static void WriteOutput(Utf8JsonWriter json, ResponseDraft draft)
    {
        if (draft.ReasoningId is { } reasoningId)
        {
            WriteReasoningItem(json, reasoningId, draft.Summary, draft.EncryptedReasoning);
        }

        if (draft.Outcome.ToolCalls is { } calls)
        {
            for (var i = 0; i < calls.Length; i++)
            {
                WriteFunctionCallItem(json, draft.CallItemIds[i], calls[i], calls[i].Arguments, completed: true);
            }
        }
        else
        {
            WriteMessageItem(json, draft.MessageId!, draft.Outcome.Text ?? string.Empty, draft.Incomplete ? "incomplete" : "completed");
        }
    }

    public static void WriteReasoningItem(Utf8JsonWriter json, string id, string? summary, string? encrypted)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, id);
        json.WriteString("type"u8, "reasoning"u8);
        json.WriteStartArray("summary"u8);
        if (summary is not null)
        {
            WriteSummaryPart(json, summary);
        }

        json.WriteEndArray();
        if (encrypted is not null)
        {
            json.WriteString("encrypted_content"u8, encrypted);
        }

        json.WriteEndObject();
    }

    public static void WriteSummaryPart(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "summary_text"u8);
        json.WriteString("text"u8, text);
        json.WriteEndObject();
    }

    /// <summary>A message item; <paramref name="text"/> null writes it as just opened, with no content yet.</summary>
    public static void WriteMessageItem(Utf8JsonWriter json, string id, string? text, string status)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, id);
        json.WriteString("type"u8, "message"u8);
        json.WriteString("status"u8, status);
        json.WriteStartArray("content"u8);
        if (text is not null)
        {
            WriteOutputText(json, text);
        }

        json.WriteEndArray();
        json.WriteString("role"u8, "assistant"u8);
        json.WriteEndObject();
    }

    public static void WriteOutputText(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "output_text"u8);
        json.WriteStartArray("annotations"u8);
        json.WriteEndArray();
        json.WriteStartArray("logprobs"u8);
        json.WriteEndArray();
        json.WriteString("text"u8, text);
        json.WriteEndObject();
    }

    public static void WriteFunctionCallItem(Utf8JsonWriter json, string id, MockToolCall call, string arguments, bool completed)
    {
        json.WriteStartObject();
        json.WriteString("id"u8, id);
        json.WriteString("type"u8, "function_call"u8);
        json.WriteString("status"u8, completed ? "completed"u8 : "in_progress"u8);
        json.WriteString("arguments"u8, arguments);
        json.WriteString("call_id"u8, call.Id);
        json.WriteString("name"u8, call.Name);
        json.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
