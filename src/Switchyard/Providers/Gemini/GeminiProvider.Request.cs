using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Providers.Gemini;

public sealed partial class GeminiProvider
{
    public void WriteRequest(IBufferWriter<byte> output, ChatRequest request, string upstreamModel)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        // Tool results name their function in Gemini, not the call's id; the names come from the calls before them.
        var callNames = new Dictionary<string, string>(StringComparer.Ordinal);
        writer.WriteStartArray("contents");
        foreach (var message in request.Messages)
        {
            var parts = new ArrayBufferWriter<byte>(256);
            int written;
            using (var partWriter = new Utf8JsonWriter(parts, GatewayJson.WriterOptions))
            {
                partWriter.WriteStartArray();
                written = WriteParts(partWriter, message.Content, callNames);
                partWriter.WriteEndArray();
            }
            if (written == 0)
            {
                continue;
            }
            writer.WriteStartObject();
            writer.WriteString("role", message.Role == ChatRole.Assistant ? "model" : "user");
            writer.WritePropertyName("parts");
            writer.WriteRawValue(parts.WrittenSpan, skipInputValidation: true);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        var system = request.System.Where(p => p.Text.Length > 0).ToList();
        if (system.Count > 0)
        {
            writer.WriteStartObject("systemInstruction");
            writer.WriteStartArray("parts");
            foreach (var part in system)
            {
                GeminiParts.WriteText(writer, part.Text);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        WriteTools(writer, request);
        WriteGenerationConfig(writer, request);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Google's documented stand-in for a function call's thoughtSignature when the call was not made by Gemini (the
    /// conversation began on another upstream, or the client lost the id that carried it): Gemini 3 refuses unsigned
    /// calls of the current turn, and accepts this value in their place.
    /// </summary>
    public const string SkipSignatureValidation = "skip_thought_signature_validator";

    /// <returns>How many parts were written: a turn left with none is not sent (Gemini refuses empty parts).</returns>
    private static int WriteParts(Utf8JsonWriter writer, IReadOnlyList<ContentPart> content, Dictionary<string, string> callNames)
    {
        var written = 0;
        // Gemini signs only the first call of a step; a step none of whose calls is signed gets the stand-in on its first.
        var needsStandIn = content.Any(p => p is ToolCallPart) && !content.Any(p => p is ToolCallPart { ThoughtSignature: not null });
        foreach (var part in content)
        {
            switch (part)
            {
                case TextPart text when !string.IsNullOrEmpty(text.Text) || text.ThoughtSignature is not null:
                    GeminiParts.WriteText(writer, text.Text, signature: text.ThoughtSignature);
                    written++;
                    break;
                case ThinkingPart { ThoughtSignature: not null } thinking:
                    // Gemini's own signed thought, as Google's SDKs send the model's turn back whole.
                    GeminiParts.WriteText(writer, thinking.Text, thought: true, signature: thinking.ThoughtSignature);
                    written++;
                    break;
                case ToolCallPart call:
                    callNames[call.Id] = call.Name;
                    GeminiParts.WriteFunctionCall(writer, call.Name, call.Arguments, signature: call.ThoughtSignature ?? (needsStandIn ? SkipSignatureValidation : null));
                    needsStandIn = false;
                    written++;
                    break;
                case ToolResultPart result:
                    WriteFunctionResponse(writer, result, callNames.GetValueOrDefault(result.ToolCallId) ?? result.ToolCallId);
                    written++;
                    // Gemini's functionResponse holds JSON only: images a tool returned follow it as parts of the turn.
                    foreach (var media in result.Content.Where(p => p is ImagePart or DocumentPart { Text: null }))
                    {
                        written += GeminiParts.WriteMedia(writer, media) ? 1 : 0;
                    }
                    break;
                case ImagePart or DocumentPart:
                    written += GeminiParts.WriteMedia(writer, part) ? 1 : 0;
                    break;
                default:
                    // Thinking text is not sent back to Gemini, and signatures of another family mean nothing to it.
                    break;
            }
        }
        return written;
    }

    /// <summary>
    /// The result as the <c>response</c> object Gemini requires: a JSON object result as it is, anything else under
    /// <c>output</c> (or <c>error</c> for a failed call), the keys Google's documentation asks for.
    /// </summary>
    private static void WriteFunctionResponse(Utf8JsonWriter writer, ToolResultPart result, string name)
    {
        var text = string.Concat(result.Content.Select(p => p switch
        {
            TextPart t => t.Text,
            DocumentPart { Text: { } d } => d,
            _ => "",
        }));
        writer.WriteStartObject();
        writer.WriteStartObject("functionResponse");
        writer.WriteString("name", name);
        writer.WritePropertyName("response");
        if (!result.IsError && IsJsonObject(text))
        {
            writer.WriteRawValue(text);
        }
        else
        {
            writer.WriteStartObject();
            writer.WriteString(result.IsError ? "error" : "output", text);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static bool IsJsonObject(string text)
    {
        if (!text.AsSpan().TrimStart().StartsWith("{"))
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Function declarations with their JSON Schema as <c>parametersJsonSchema</c>, which takes full JSON Schema.</summary>
    public bool CanHost(HostedTool tool) => tool.Kind == "web_search";

    private static void WriteTools(Utf8JsonWriter writer, ChatRequest request)
    {
        if (request.Tools.Count == 0 && request.HostedTools.Count == 0)
        {
            return;
        }
        writer.WriteStartArray("tools");
        if (request.HostedTools.Any(t => t.Kind == "web_search"))
        {
            // Grounding with Google Search: Gemini's own search, a tool of its own beside the function declarations.
            writer.WriteStartObject();
            writer.WriteStartObject("googleSearch");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        if (request.Tools.Count == 0)
        {
            writer.WriteEndArray();
            return;
        }
        writer.WriteStartObject();
        writer.WriteStartArray("functionDeclarations");
        foreach (var tool in request.Tools)
        {
            writer.WriteStartObject();
            writer.WriteString("name", tool.Name);
            if (tool.Description is { } description)
            {
                writer.WriteString("description", description);
            }
            if (tool.Parameters is { ValueKind: JsonValueKind.Object } parameters)
            {
                writer.WritePropertyName("parametersJsonSchema");
                parameters.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        if (request.ToolChoice is { } choice)
        {
            writer.WriteStartObject("toolConfig");
            writer.WriteStartObject("functionCallingConfig");
            writer.WriteString("mode", choice.Kind switch
            {
                ToolChoiceKind.None => "NONE",
                ToolChoiceKind.Any or ToolChoiceKind.Tool => "ANY",
                _ => "AUTO",
            });
            if (choice is { Kind: ToolChoiceKind.Tool, Name: { } name })
            {
                writer.WriteStartArray("allowedFunctionNames");
                writer.WriteStringValue(name);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }

    private static void WriteGenerationConfig(Utf8JsonWriter writer, ChatRequest request)
    {
        writer.WriteStartObject("generationConfig");
        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature", temperature);
        }
        if (request.TopP is { } topP)
        {
            writer.WriteNumber("topP", topP);
        }
        if (request.TopK is { } topK)
        {
            writer.WriteNumber("topK", topK);
        }
        if (request.MaxTokens is { } max)
        {
            writer.WriteNumber("maxOutputTokens", max);
        }
        if (request.StopSequences.Count > 0)
        {
            writer.WriteStartArray("stopSequences");
            foreach (var stop in request.StopSequences)
            {
                writer.WriteStringValue(stop);
            }
            writer.WriteEndArray();
        }
        WriteResponseFormat(writer, request.ResponseFormat);
        if (request.Thinking is { Enabled: true } thinking)
        {
            writer.WriteStartObject("thinkingConfig");
            // Clients that ask for reasoning show it (Claude Code's thinking blocks, reasoning_content): thoughts are asked for.
            writer.WriteBoolean("includeThoughts", true);
            // Adaptive thinking without an effort has no budget either: Gemini's dynamic budget, -1.
            writer.WriteNumber("thinkingBudget", thinking.BudgetTokens ?? Budget(thinking.Effort));
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>OpenAI's effort levels as Gemini budgets; -1 lets the model decide.</summary>
    private static long Budget(string? effort) => effort switch
    {
        "low" => 1024,
        "medium" => 8192,
        "high" => 24576,
        _ => -1,
    };

    /// <summary>OpenAI's <c>response_format</c> (the canonical form) as responseMimeType and responseJsonSchema.</summary>
    private static void WriteResponseFormat(Utf8JsonWriter writer, JsonElement? format)
    {
        if (format is not { ValueKind: JsonValueKind.Object } value)
        {
            return;
        }
        switch (Str(value, "type"))
        {
            case "json_object":
                writer.WriteString("responseMimeType", "application/json");
                break;
            case "json_schema":
                writer.WriteString("responseMimeType", "application/json");
                if (value.TryGetProperty("json_schema", out var spec) && spec.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object)
                {
                    writer.WritePropertyName("responseJsonSchema");
                    schema.WriteTo(writer);
                }
                break;
            default:
                break;
        }
    }
}
