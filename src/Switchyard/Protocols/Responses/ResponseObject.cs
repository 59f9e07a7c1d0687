using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Protocols.Responses;

/// <summary>
/// The Response object of the Responses API: status, output items and usage, with the request's settings echoed
/// back as OpenAI does (instructions, max_output_tokens, reasoning, text.format, tool_choice, tools, …).
/// </summary>
internal static class ResponseObject
{
    public static void Write(Utf8JsonWriter w, ResponseIds ids, string model, long createdAt, ChatRequest request,
        ResponseStatus status, IReadOnlyList<OutputItem> output, TokenUsage? usage, GatewayError? error = null)
    {
        w.WriteStartObject();
        w.WriteString("id", ids.ResponseId);
        w.WriteString("object", "response");
        w.WriteNumber("created_at", createdAt);
        w.WriteString("status", status switch
        {
            ResponseStatus.InProgress => "in_progress",
            ResponseStatus.Completed => "completed",
            ResponseStatus.Failed => "failed",
            _ => "incomplete",
        });
        w.WriteBoolean("background", false);
        if (error is not null)
        {
            w.WriteStartObject("error");
            w.WriteString("code", error.Kind == GatewayErrorKind.RateLimited || error.Status == 429 ? "rate_limit_exceeded" : "server_error");
            w.WriteString("message", error.Message);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("error");
        }
        if (status is ResponseStatus.IncompleteMaxTokens or ResponseStatus.IncompleteContentFilter)
        {
            w.WriteStartObject("incomplete_details");
            w.WriteString("reason", status == ResponseStatus.IncompleteMaxTokens ? "max_output_tokens" : "content_filter");
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("incomplete_details");
        }
        var instructions = string.Join("\n\n", request.System.Select(p => p.Text));
        if (instructions.Length > 0)
        {
            w.WriteString("instructions", instructions);
        }
        else
        {
            w.WriteNull("instructions");
        }
        if (request.MaxTokens is { } max)
        {
            w.WriteNumber("max_output_tokens", max);
        }
        else
        {
            w.WriteNull("max_output_tokens");
        }
        w.WriteString("model", model);
        w.WriteStartArray("output");
        foreach (var item in output)
        {
            item.Write(w, done: true);
        }
        w.WriteEndArray();
        w.WriteBoolean("parallel_tool_calls", request.ToolChoice is not { DisableParallel: true });
        w.WriteNull("previous_response_id");
        w.WriteStartObject("reasoning");
        NullableString(w, "effort", request.Thinking?.Effort);
        NullableString(w, "summary", request.Thinking?.Summary);
        w.WriteEndObject();
        // Echoed as the client sent it (the API's default is true); the gateway itself keeps no converted responses.
        w.WriteBoolean("store", request.Store ?? true);
        w.WriteNumber("temperature", request.Temperature ?? 1.0);
        w.WriteStartObject("text");
        WriteTextFormat(w, request.ResponseFormat);
        w.WriteEndObject();
        WriteToolChoice(w, request.ToolChoice);
        w.WriteStartArray("tools");
        foreach (var tool in request.Tools)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteString("name", tool.Name);
            NullableString(w, "description", tool.Description);
            w.WritePropertyName("parameters");
            if (tool.Parameters is { } parameters)
            {
                parameters.WriteTo(w);
            }
            else
            {
                w.WriteNullValue();
            }
            if (tool.Strict is { } strict)
            {
                w.WriteBoolean("strict", strict);
            }
            else
            {
                w.WriteNull("strict");
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("top_p", request.TopP ?? 1.0);
        w.WriteString("truncation", "disabled");
        if (usage is { } u)
        {
            WriteUsage(w, u);
        }
        else
        {
            w.WriteNull("usage");
        }
        NullableString(w, "user", request.User);
        if (request.Metadata is { } metadata)
        {
            w.WritePropertyName("metadata");
            metadata.WriteTo(w);
        }
        else
        {
            w.WriteStartObject("metadata");
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>ResponseUsage: input_tokens includes the cached ones, output_tokens the reasoning ones (the canonical semantics).</summary>
    public static void WriteUsage(Utf8JsonWriter w, TokenUsage usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", usage.Input);
        w.WriteStartObject("input_tokens_details");
        w.WriteNumber("cached_tokens", usage.Cached);
        if (usage.CacheWrite > 0)
        {
            // Anthropic bills cache writes apart; the field OpenAI's SDKs read for them, omitted when none.
            w.WriteNumber("cache_write_tokens", usage.CacheWrite);
        }
        w.WriteEndObject();
        w.WriteNumber("output_tokens", usage.Output);
        w.WriteStartObject("output_tokens_details");
        w.WriteNumber("reasoning_tokens", usage.Reasoning);
        w.WriteEndObject();
        w.WriteNumber("total_tokens", usage.Total);
        w.WriteEndObject();
    }

    /// <summary>Chat's response_format (the canonical form) back as Responses' flat text.format.</summary>
    private static void WriteTextFormat(Utf8JsonWriter w, JsonElement? format)
    {
        w.WriteStartObject("format");
        if (format is { ValueKind: JsonValueKind.Object } f && JsonFields.Str(f, "type") is { } type and not "text")
        {
            w.WriteString("type", type);
            if (type == "json_schema" && f.TryGetProperty("json_schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in schema.EnumerateObject())
                {
                    property.WriteTo(w);
                }
            }
        }
        else
        {
            w.WriteString("type", "text");
        }
        w.WriteEndObject();
    }

    private static void WriteToolChoice(Utf8JsonWriter w, ToolChoice? choice)
    {
        switch (choice?.Kind)
        {
            case ToolChoiceKind.None:
                w.WriteString("tool_choice", "none");
                break;
            case ToolChoiceKind.Any:
                w.WriteString("tool_choice", "required");
                break;
            case ToolChoiceKind.Tool:
                w.WriteStartObject("tool_choice");
                w.WriteString("type", "function");
                w.WriteString("name", choice.Name);
                w.WriteEndObject();
                break;
            default:
                w.WriteString("tool_choice", "auto");
                break;
        }
    }

    private static void NullableString(Utf8JsonWriter w, string name, string? value)
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
}

internal enum ResponseStatus
{
    InProgress,
    Completed,
    IncompleteMaxTokens,
    IncompleteContentFilter,
    Failed,
}

/// <summary>
/// Ids derived from the upstream's answer id (<c>msg_01X…</c> → <c>resp_01X…</c>, items <c>msg_01X…_1</c>), so the
/// same id ties client and upstream logs together, as the chat codec does with completion ids.
/// </summary>
internal sealed class ResponseIds(string upstreamId)
{
    private readonly string _base = Base(upstreamId);

    public string ResponseId => "resp_" + _base;

    public string Item(string prefix, int outputIndex) => $"{prefix}_{_base}_{outputIndex}";

    private static string Base(string id)
    {
        var separator = id.IndexOfAny(['_', '-']);
        var tail = separator >= 0 && separator < 10 ? id[(separator + 1)..] : id;
        return tail.Length > 0 ? tail : Guid.NewGuid().ToString("N");
    }

    public static ResponseStatus FinalStatus(StopReason? reason) => reason switch
    {
        StopReason.MaxTokens or StopReason.ContextWindowExceeded => ResponseStatus.IncompleteMaxTokens,
        StopReason.ContentFilter => ResponseStatus.IncompleteContentFilter,
        _ => ResponseStatus.Completed,
    };
}
