using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Providers.OpenAiResponses;

public sealed partial class ResponsesProvider
{
    /// <summary>
    /// The canonical request as a Responses request: the system prompt as <c>instructions</c>, turns as input items
    /// (tool calls and results as function_call / function_call_output items, in place), function tools flat.
    /// Thinking from earlier turns is dropped: reasoning signed by another family means nothing here, and OpenAI's
    /// own reasoning is not stored (<c>store: false</c>).
    /// </summary>
    public void WriteRequest(IBufferWriter<byte> output, ChatRequest request, string upstreamModel)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("model", upstreamModel);
        if (request.System.Count > 0)
        {
            writer.WriteString("instructions", string.Join("\n\n", request.System.Select(p => p.Text)));
        }
        writer.WriteStartArray("input");
        foreach (var message in request.Messages)
        {
            WriteTurn(writer, message);
        }
        writer.WriteEndArray();
        if (request.Tools.Count > 0)
        {
            writer.WriteStartArray("tools");
            foreach (var tool in request.Tools)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteString("name", tool.Name);
                if (tool.Description is { } description)
                {
                    writer.WriteString("description", description);
                }
                writer.WritePropertyName("parameters");
                if (tool.Parameters is { } parameters)
                {
                    parameters.WriteTo(writer);
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "object");
                    writer.WriteEndObject();
                }
                // A Responses client's own choice goes through; schemas written for other APIs rarely meet strict
                // mode's rules (every property required, no extras), so others are sent as not strict.
                writer.WriteBoolean("strict", tool.Strict ?? false);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            WriteToolChoice(writer, request.ToolChoice);
        }
        if (request.ToolChoice is { DisableParallel: true })
        {
            writer.WriteBoolean("parallel_tool_calls", false);
        }
        if (request.MaxTokens is { } max)
        {
            // The Responses API refuses limits below 16.
            writer.WriteNumber("max_output_tokens", Math.Max(16, max));
        }
        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }
        if (request.TopP is { } topP)
        {
            writer.WriteNumber("top_p", topP);
        }
        if (request.User is { } user)
        {
            writer.WriteString("user", user);
        }
        if (request.Thinking is { Effort: { } effort })
        {
            writer.WriteStartObject("reasoning");
            writer.WriteString("effort", effort);
            if (request.Thinking.Enabled)
            {
                writer.WriteString("summary", request.Thinking.Summary ?? "auto");
            }
            writer.WriteEndObject();
        }
        WriteTextFormat(writer, request.ResponseFormat);
        writer.WriteBoolean("store", false);
        if (request.Stream)
        {
            writer.WriteBoolean("stream", true);
        }
        writer.WriteEndObject();
    }

    private static void WriteTurn(Utf8JsonWriter writer, ChatMessage message)
    {
        var role = message.Role == ChatRole.User ? "user" : "assistant";
        var pending = new List<ContentPart>();
        foreach (var part in message.Content)
        {
            switch (part)
            {
                case ToolCallPart call:
                    Flush(writer, role, pending);
                    writer.WriteStartObject();
                    writer.WriteString("type", "function_call");
                    writer.WriteString("call_id", call.Id);
                    writer.WriteString("name", call.Name);
                    writer.WriteString("arguments", call.Arguments);
                    writer.WriteEndObject();
                    break;
                case ToolResultPart result:
                    Flush(writer, role, pending);
                    writer.WriteStartObject();
                    writer.WriteString("type", "function_call_output");
                    writer.WriteString("call_id", result.ToolCallId);
                    WriteToolOutput(writer, result);
                    writer.WriteEndObject();
                    break;
                case ThinkingPart or RedactedThinkingPart:
                    break;
                default:
                    pending.Add(part);
                    break;
            }
        }
        Flush(writer, role, pending);
    }

    /// <summary>A string, or input parts when the result holds images (a function's output may carry them).</summary>
    private static void WriteToolOutput(Utf8JsonWriter writer, ToolResultPart result)
    {
        var text = string.Concat(result.Content.OfType<TextPart>().Select(t => t.Text));
        if (result.IsError)
        {
            text = "Error: " + text;
        }
        var images = result.Content.OfType<ImagePart>().ToList();
        if (images.Count == 0)
        {
            writer.WriteString("output", text);
            return;
        }
        writer.WriteStartArray("output");
        if (text.Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "input_text");
            writer.WriteString("text", text);
            writer.WriteEndObject();
        }
        foreach (var image in images)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "input_image");
            writer.WriteString("image_url", image.Url ?? $"data:{image.MediaType};base64,{image.Data}");
            writer.WriteString("detail", "auto");
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    /// <summary>Writes the text, images and files gathered so far as one message item.</summary>
    private static void Flush(Utf8JsonWriter writer, string role, List<ContentPart> parts)
    {
        if (!parts.Any(p => p is not TextPart { Text.Length: 0 }))
        {
            parts.Clear();
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("type", "message");
        writer.WriteString("role", role);
        writer.WriteStartArray("content");
        foreach (var part in parts)
        {
            switch (part)
            {
                case TextPart { Text.Length: > 0 } text:
                    writer.WriteStartObject();
                    writer.WriteString("type", role == "user" ? "input_text" : "output_text");
                    writer.WriteString("text", text.Text);
                    writer.WriteEndObject();
                    break;
                case ImagePart image when role == "user":
                    writer.WriteStartObject();
                    writer.WriteString("type", "input_image");
                    writer.WriteString("image_url", image.Url ?? $"data:{image.MediaType};base64,{image.Data}");
                    writer.WriteString("detail", "auto");
                    writer.WriteEndObject();
                    break;
                case DocumentPart { Text: { } documentText }:
                    writer.WriteStartObject();
                    writer.WriteString("type", role == "user" ? "input_text" : "output_text");
                    writer.WriteString("text", documentText);
                    writer.WriteEndObject();
                    break;
                case DocumentPart document when role == "user":
                    writer.WriteStartObject();
                    writer.WriteString("type", "input_file");
                    if (document.Url is { } url)
                    {
                        writer.WriteString("file_url", url);
                    }
                    else
                    {
                        writer.WriteString("filename", document.Title ?? "document.pdf");
                        writer.WriteString("file_data", $"data:{document.MediaType};base64,{document.Data}");
                    }
                    writer.WriteEndObject();
                    break;
                default:
                    break;
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        parts.Clear();
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, ToolChoice? choice)
    {
        switch (choice?.Kind)
        {
            case ToolChoiceKind.None:
                writer.WriteString("tool_choice", "none");
                break;
            case ToolChoiceKind.Any:
                writer.WriteString("tool_choice", "required");
                break;
            case ToolChoiceKind.Tool:
                writer.WriteStartObject("tool_choice");
                writer.WriteString("type", "function");
                writer.WriteString("name", choice.Name);
                writer.WriteEndObject();
                break;
            case ToolChoiceKind.Auto:
                writer.WriteString("tool_choice", "auto");
                break;
            default:
                break;
        }
    }

    /// <summary>Chat's response_format (the canonical form) as Responses' flat <c>text.format</c>.</summary>
    private static void WriteTextFormat(Utf8JsonWriter writer, JsonElement? format)
    {
        if (format is not { ValueKind: JsonValueKind.Object } f || JsonFields.Str(f, "type") is not { } type || type == "text")
        {
            return;
        }
        writer.WriteStartObject("text");
        writer.WriteStartObject("format");
        writer.WriteString("type", type);
        if (type == "json_schema" && f.TryGetProperty("json_schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in schema.EnumerateObject())
            {
                property.WriteTo(writer);
            }
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
