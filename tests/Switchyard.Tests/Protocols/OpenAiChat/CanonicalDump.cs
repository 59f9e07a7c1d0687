using System.Text.Json;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Tests.Protocols.OpenAiChat;

/// <summary>
/// Writes a canonical request as plain JSON, every field named, so a golden file can show exactly what a codec read
/// (records holding lists do not compare by value, and a JSON diff names the field that differs).
/// </summary>
internal static class CanonicalDump
{
    public static string Of(ChatRequest request) => OpenAiGolden.Write(output =>
    {
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteString("model", request.Model);
        w.WriteStartArray("system");
        foreach (var part in request.System)
        {
            Part(w, part);
        }
        w.WriteEndArray();
        w.WriteStartArray("messages");
        foreach (var message in request.Messages)
        {
            w.WriteStartObject();
            w.WriteString("role", message.Role == ChatRole.User ? "user" : "assistant");
            Parts(w, "content", message.Content);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("tools");
        foreach (var tool in request.Tools)
        {
            w.WriteStartObject();
            w.WriteString("name", tool.Name);
            Nullable(w, "description", tool.Description);
            Json(w, "parameters", tool.Parameters);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (request.ToolChoice is { } choice)
        {
            w.WriteStartObject("tool_choice");
            w.WriteString("kind", choice.Kind.ToString());
            Nullable(w, "name", choice.Name);
            w.WriteBoolean("disable_parallel", choice.DisableParallel);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("tool_choice");
        }
        Number(w, "max_tokens", request.MaxTokens);
        w.WriteStartArray("stop_sequences");
        foreach (var stop in request.StopSequences)
        {
            w.WriteStringValue(stop);
        }
        w.WriteEndArray();
        Number(w, "temperature", request.Temperature);
        Number(w, "top_p", request.TopP);
        Number(w, "top_k", request.TopK);
        Nullable(w, "user", request.User);
        if (request.Thinking is { } thinking)
        {
            w.WriteStartObject("thinking");
            w.WriteBoolean("enabled", thinking.Enabled);
            Number(w, "budget_tokens", thinking.BudgetTokens);
            Nullable(w, "effort", thinking.Effort);
            if (thinking.Summary is { } summary)
            {
                w.WriteString("summary", summary);
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("thinking");
        }
        Json(w, "response_format", request.ResponseFormat);
        w.WriteBoolean("stream", request.Stream);
        w.WriteBoolean("client_wants_usage", request.ClientWantsUsage);
        w.WriteEndObject();
    });

    private static void Parts(Utf8JsonWriter w, string name, IReadOnlyList<ContentPart> parts)
    {
        w.WriteStartArray(name);
        foreach (var part in parts)
        {
            Part(w, part);
        }
        w.WriteEndArray();
    }

    private static void Part(Utf8JsonWriter w, ContentPart part)
    {
        w.WriteStartObject();
        switch (part)
        {
            case TextPart text:
                w.WriteString("type", "text");
                w.WriteString("text", text.Text);
                Json(w, "cache_control", text.CacheControl);
                break;
            case ImagePart image:
                w.WriteString("type", "image");
                Nullable(w, "url", image.Url);
                Nullable(w, "media_type", image.MediaType);
                Nullable(w, "data", image.Data);
                break;
            case DocumentPart document:
                w.WriteString("type", "document");
                Nullable(w, "url", document.Url);
                Nullable(w, "media_type", document.MediaType);
                Nullable(w, "data", document.Data);
                Nullable(w, "text", document.Text);
                Nullable(w, "title", document.Title);
                break;
            case ToolCallPart call:
                w.WriteString("type", "tool_call");
                w.WriteString("id", call.Id);
                w.WriteString("name", call.Name);
                w.WriteString("arguments", call.Arguments);
                break;
            case ToolResultPart result:
                w.WriteString("type", "tool_result");
                w.WriteString("tool_call_id", result.ToolCallId);
                w.WriteBoolean("is_error", result.IsError);
                Parts(w, "content", result.Content);
                break;
            case ThinkingPart thinking:
                w.WriteString("type", "thinking");
                w.WriteString("text", thinking.Text);
                Nullable(w, "signature", thinking.Signature);
                break;
            case RedactedThinkingPart redacted:
                w.WriteString("type", "redacted_thinking");
                w.WriteString("data", redacted.Data);
                break;
            default:
                throw new InvalidOperationException($"No dump for {part.GetType().Name}.");
        }
        if (part.ThoughtSignature is { } signature)
        {
            w.WriteString("thought_signature", signature);
        }
        w.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } number)
        {
            w.WriteNumber(name, number);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Json(Utf8JsonWriter w, string name, JsonElement? value)
    {
        w.WritePropertyName(name);
        if (value is { } json)
        {
            json.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
