using System.Buffers;
using System.Text;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Providers.OpenAiCompatible;

public sealed partial class OpenAiCompatibleProvider
{
    /// <summary>
    /// Chat Completions takes a file only as base64 data or an uploaded file id, never a URL; fetching the URL here
    /// would let any client make the gateway request arbitrary addresses, so the request is refused instead.
    /// </summary>
    public GatewayError? Refuse(ChatRequest request)
    {
        static bool LinksAFile(ContentPart part) => part switch
        {
            DocumentPart { Text: null, Url: { } url } => !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase),
            ToolResultPart result => result.Content.Any(LinksAFile),
            _ => false,
        };
        return request.Messages.Any(m => m.Content.Any(LinksAFile))
            ? new GatewayError(GatewayErrorKind.InvalidRequest, 400,
                "A document given by URL cannot be sent to this model's OpenAI-format upstream, which takes files only as base64 data: send the document as base64.")
            { Param = "messages" }
            : null;
    }

    public void WriteRequest(IBufferWriter<byte> output, ChatRequest request, string upstreamModel)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("model", upstreamModel);
        writer.WriteStartArray("messages");
        if (request.System.Count > 0)
        {
            // One string: DeepSeek, vLLM and others reject array content in system messages.
            writer.WriteStartObject();
            writer.WriteString("role", "system");
            writer.WriteString("content", string.Join("\n\n", request.System.Select(p => p.Text)));
            writer.WriteEndObject();
        }
        foreach (var message in request.Messages)
        {
            if (message.Role == ChatRole.Assistant)
            {
                WriteAssistant(writer, message);
            }
            else
            {
                WriteUser(writer, message);
            }
        }
        writer.WriteEndArray();
        if (request.Tools.Count > 0)
        {
            writer.WriteStartArray("tools");
            foreach (var tool in request.Tools)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
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
                    writer.WriteRawValue("""{"type":"object","properties":{}}""");
                }
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            WriteToolChoice(writer, request.ToolChoice);
        }
        var reasoningModel = OpenAiReasoningModels.IsReasoningModel(upstreamModel);
        if (request.MaxTokens is { } max)
        {
            writer.WriteNumber(reasoningModel ? "max_completion_tokens" : "max_tokens", max);
        }
        if (request.StopSequences.Count > 0)
        {
            writer.WriteStartArray("stop");
            foreach (var stop in request.StopSequences)
            {
                writer.WriteStringValue(stop);
            }
            writer.WriteEndArray();
        }
        // Reasoning models accept only the default sampling (1); anything else is a 400 there, so it is left out.
        if (request.Temperature is { } temperature && !reasoningModel)
        {
            writer.WriteNumber("temperature", temperature);
        }
        if (request.TopP is { } topP && !reasoningModel)
        {
            writer.WriteNumber("top_p", topP);
        }
        if (request.User is { } user)
        {
            writer.WriteString("user", user);
        }
        // A thinking budget becomes an effort for models known to take one (and wherever the channel asks for it).
        var effort = request.Thinking is { Enabled: true, Effort: { } asked } ? asked
            : DeriveReasoningEffortFromBudget || reasoningModel ? ReasoningEffort(request.Thinking) : null;
        if (SendReasoningEffort && effort is not null)
        {
            writer.WriteString("reasoning_effort", effort);
        }
        if (request.ResponseFormat is { } format)
        {
            writer.WritePropertyName("response_format");
            format.WriteTo(writer);
        }
        if (request.Stream)
        {
            writer.WriteBoolean("stream", true);
            writer.WriteStartObject("stream_options");
            writer.WriteBoolean("include_usage", true);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// OpenAI's effort level for enabled thinking: as asked, or from an Anthropic/Gemini budget
    /// (up to 2048 tokens low, up to 8192 medium, more high). Null when thinking is off or unasked.
    /// </summary>
    public static string? ReasoningEffort(ThinkingConfig? thinking) => thinking switch
    {
        { Enabled: true, Effort: { } effort } => effort,
        // Adaptive thinking leaves the amount to the model; OpenAI's default effort is the nearest equivalent.
        { Enabled: true, Adaptive: true } => "medium",
        { Enabled: true, BudgetTokens: <= 2048 } => "low",
        { Enabled: true, BudgetTokens: <= 8192 } => "medium",
        { Enabled: true } => "high",
        _ => null,
    };

    private static void WriteToolChoice(Utf8JsonWriter writer, ToolChoice? choice)
    {
        if (choice is null)
        {
            return;
        }
        switch (choice.Kind)
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
                writer.WriteStartObject("function");
                writer.WriteString("name", choice.Name);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            default:
                writer.WriteString("tool_choice", "auto");
                break;
        }
        if (choice.DisableParallel)
        {
            writer.WriteBoolean("parallel_tool_calls", false);
        }
    }

    /// <summary>
    /// Thinking is dropped: reasoning signed for one provider family means nothing to another, and DeepSeek
    /// rejects its own reasoning_content sent back.
    /// </summary>
    private static void WriteAssistant(Utf8JsonWriter writer, ChatMessage message)
    {
        // Concatenated, as an OpenAI client saw the pieces streamed: a separator would change what the model said.
        var text = string.Concat(message.Content.OfType<TextPart>().Select(p => p.Text));
        var calls = message.Content.OfType<ToolCallPart>().ToList();
        if (text.Length == 0 && calls.Count == 0)
        {
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("role", "assistant");
        if (text.Length > 0)
        {
            writer.WriteString("content", text);
        }
        else
        {
            writer.WriteNull("content");
        }
        if (calls.Count > 0)
        {
            writer.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", call.Id);
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", call.Name);
                writer.WriteString("arguments", call.Arguments.Length == 0 ? "{}" : call.Arguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>Tool results become <c>tool</c> messages first (OpenAI wants them right after the assistant's calls), then the rest.</summary>
    private static void WriteUser(Utf8JsonWriter writer, ChatMessage message)
    {
        var moved = new List<ContentPart>();
        foreach (var result in message.Content.OfType<ToolResultPart>())
        {
            writer.WriteStartObject();
            writer.WriteString("role", "tool");
            writer.WriteString("tool_call_id", result.ToolCallId);
            var text = Join(result.Content.Select(p => p switch
            {
                TextPart t => t,
                DocumentPart { Text: { } documentText } => new TextPart(documentText),
                _ => null,
            }).OfType<TextPart>());
            writer.WriteString("content", result.IsError ? "Error: " + text : text);
            writer.WriteEndObject();
            // Tool messages carry text only; images and files a tool returned follow in a user message.
            moved.AddRange(result.Content.Where(p => p is ImagePart or DocumentPart { Text: null }));
        }
        var rest = moved.Concat(message.Content.Where(p => p is not ToolResultPart and not ThinkingPart and not RedactedThinkingPart)
            .Where(p => p is not TextPart { Text.Length: 0 })).ToList();
        if (rest.Count == 0)
        {
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("role", "user");
        if (rest is [TextPart single])
        {
            writer.WriteString("content", single.Text);
        }
        else
        {
            writer.WriteStartArray("content");
            foreach (var part in rest)
            {
                WriteUserPart(writer, part);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    private static void WriteUserPart(Utf8JsonWriter writer, ContentPart part)
    {
        writer.WriteStartObject();
        switch (part)
        {
            case ImagePart image:
                writer.WriteString("type", "image_url");
                writer.WriteStartObject("image_url");
                writer.WriteString("url", image.Url ?? $"data:{image.MediaType};base64,{image.Data}");
                writer.WriteEndObject();
                break;
            case DocumentPart { Text: { } text }:
                writer.WriteString("type", "text");
                writer.WriteString("text", text);
                break;
            case DocumentPart document:
                writer.WriteString("type", "file");
                writer.WriteStartObject("file");
                writer.WriteString("file_data", document.Url ?? $"data:{document.MediaType};base64,{document.Data}");
                writer.WriteString("filename", document.Title ?? "document.pdf");
                writer.WriteEndObject();
                break;
            case TextPart text:
                writer.WriteString("type", "text");
                writer.WriteString("text", text.Text);
                break;
            default:
                writer.WriteString("type", "text");
                writer.WriteString("text", "");
                break;
        }
        writer.WriteEndObject();
    }

    private static string Join(IEnumerable<TextPart> parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (text.Length > 0 && part.Text.Length > 0)
            {
                text.Append("\n\n");
            }
            text.Append(part.Text);
        }
        return text.ToString();
    }
}
