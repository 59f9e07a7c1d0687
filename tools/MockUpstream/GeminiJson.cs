using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>Identity shared by a response and every chunk of its stream.</summary>
/// <param name="Signs">Whether the first function call of the answer carries a thoughtSignature (see <see cref="GeminiSignatures"/>).</param>
internal readonly record struct GeminiHeader(string ResponseId, string ModelVersion, bool Signs = false);

/// <summary>
/// Writes GenerateContentResponse bodies and chunks with the field names of @google/genai's types
/// (Candidate, Content, Part, GenerateContentResponseUsageMetadata, FinishReason).
/// </summary>
internal static class GeminiJson
{
    public static string FinishReason(MockFinish finish) => finish switch
    {
        // Gemini reports a stop sequence and a function call as a plain STOP.
        MockFinish.Stop or MockFinish.StopSequence or MockFinish.ToolCalls => "STOP",
        MockFinish.Length => "MAX_TOKENS",
        _ => throw new ArgumentOutOfRangeException(nameof(finish)),
    };

    /// <summary>Opens a response up to and including the candidate's <c>"parts":[</c>.</summary>
    public static void StartResponse(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteStartArray("candidates"u8);
        json.WriteStartObject();
        json.WriteStartObject("content"u8);
        json.WriteStartArray("parts"u8);
    }

    /// <summary>
    /// Closes the parts, the candidate (with finishReason when given) and the response, writing usage and identity.
    /// A null <paramref name="usage"/> writes the prompt-only usage that Gemini puts on chunks before the last.
    /// </summary>
    public static void EndResponse(Utf8JsonWriter json, in GeminiHeader header, string? finishReason, int promptTokens, MockUsage? usage)
    {
        json.WriteEndArray();
        json.WriteString("role"u8, "model"u8);
        json.WriteEndObject();
        if (finishReason is not null)
        {
            json.WriteString("finishReason"u8, finishReason);
        }

        json.WriteNumber("index"u8, 0);
        json.WriteEndObject();
        json.WriteEndArray();
        WriteUsage(json, promptTokens, usage);
        json.WriteString("modelVersion"u8, header.ModelVersion);
        json.WriteString("responseId"u8, header.ResponseId);
        json.WriteEndObject();
    }

    /// <summary>
    /// usageMetadata: promptTokenCount includes cachedContentTokenCount; thoughtsTokenCount is reported beside
    /// candidatesTokenCount, and totalTokenCount adds all three of prompt, candidates and thoughts.
    /// </summary>
    public static void WriteUsage(Utf8JsonWriter json, int promptTokens, MockUsage? usage)
    {
        json.WriteStartObject("usageMetadata"u8);
        json.WriteNumber("promptTokenCount"u8, promptTokens);
        if (usage is { } complete)
        {
            json.WriteNumber("candidatesTokenCount"u8, complete.VisibleCompletionTokens);
        }

        json.WriteNumber("totalTokenCount"u8, usage?.TotalTokens ?? promptTokens);
        if (usage is { CachedTokens: > 0 } cached)
        {
            json.WriteNumber("cachedContentTokenCount"u8, cached.CachedTokens);
        }

        json.WriteStartArray("promptTokensDetails"u8);
        json.WriteStartObject();
        json.WriteString("modality"u8, "TEXT"u8);
        json.WriteNumber("tokenCount"u8, promptTokens);
        json.WriteEndObject();
        json.WriteEndArray();
        if (usage is { ReasoningTokens: > 0 } thinking)
        {
            json.WriteNumber("thoughtsTokenCount"u8, thinking.ReasoningTokens);
        }

        json.WriteEndObject();
    }

    public static void WriteTextPart(Utf8JsonWriter json, ReadOnlySpan<char> text, bool thought)
    {
        json.WriteStartObject();
        json.WriteString("text"u8, text);
        if (thought)
        {
            json.WriteBoolean("thought"u8, true);
        }

        json.WriteEndObject();
    }

    /// <param name="signed">Whether the part carries a thoughtSignature (the first call of a signing model's answer).</param>
    public static void WriteFunctionCallPart(Utf8JsonWriter json, MockToolCall call, bool signed = false)
    {
        json.WriteStartObject();
        json.WriteStartObject("functionCall"u8);
        json.WriteString("name"u8, call.Name);
        MockJson.WriteArgumentsObject(json, "args"u8, call.Arguments);
        json.WriteEndObject();
        if (signed)
        {
            json.WriteString("thoughtSignature"u8, GeminiSignatures.Compute(call.Name));
        }

        json.WriteEndObject();
    }

    /// <summary>The whole answer as one GenerateContentResponse.</summary>
    public static void WriteResponse(Utf8JsonWriter json, in GeminiHeader header, MockOutcome outcome, bool includeThoughts)
    {
        StartResponse(json);
        if (includeThoughts && outcome.Thinking is { } thinking)
        {
            WriteTextPart(json, thinking, thought: true);
        }

        if (outcome.ToolCalls is { } calls)
        {
            for (var i = 0; i < calls.Length; i++)
            {
                WriteFunctionCallPart(json, calls[i], signed: header.Signs && i == 0);
            }
        }
        else if (!string.IsNullOrEmpty(outcome.Text))
        {
            WriteTextPart(json, outcome.Text, thought: false);
        }

        EndResponse(json, header, FinishReason(outcome.Finish), outcome.Usage.PromptTokens, outcome.Usage);
    }
}
