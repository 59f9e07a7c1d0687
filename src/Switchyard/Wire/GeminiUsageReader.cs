using System.Text.Json;
using Switchyard.Contracts;

namespace Switchyard.Wire;

/// <summary>
/// Reads Gemini's <c>usageMetadata</c> into OpenAI semantics without building a document (the fast path reads every
/// stream chunk). Gemini's <c>promptTokenCount</c> already includes <c>cachedContentTokenCount</c>, while
/// <c>thoughtsTokenCount</c> is reported beside <c>candidatesTokenCount</c>, not inside it: output is their sum.
/// </summary>
public static class GeminiUsageReader
{
    public record struct Fields(long Prompt, long Candidates, long Thoughts, long Cached, long ToolUsePrompt)
    {
        public readonly TokenUsage ToUsage() => new(Prompt + ToolUsePrompt, Candidates + Thoughts, Cached, 0, Thoughts);
    }

    /// <summary>Finds the top-level <c>usageMetadata</c> of a GenerateContentResponse (a body or one stream chunk).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out Fields fields)
    {
        fields = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usageMetadata"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        fields = ReadUsage(ref reader);
                        return true;
                    }
                }
                else
                {
                    reader.Read();
                }
                reader.Skip();
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads the usage object the reader stands at (on its StartObject).</summary>
    public static Fields ReadUsage(ref Utf8JsonReader reader)
    {
        var fields = default(Fields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("promptTokenCount"u8))
            {
                fields.Prompt = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("candidatesTokenCount"u8))
            {
                fields.Candidates = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("thoughtsTokenCount"u8))
            {
                fields.Thoughts = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("cachedContentTokenCount"u8))
            {
                fields.Cached = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("toolUsePromptTokenCount"u8))
            {
                fields.ToolUsePrompt = ReadLong(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return fields;
    }

    /// <summary>The same reading from an element (the conversion paths hold a parsed document anyway).</summary>
    public static TokenUsage FromElement(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object || !response.TryGetProperty("usageMetadata", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return default;
        }
        return new Fields(Get(usage, "promptTokenCount"), Get(usage, "candidatesTokenCount"), Get(usage, "thoughtsTokenCount"),
            Get(usage, "cachedContentTokenCount"), Get(usage, "toolUsePromptTokenCount")).ToUsage();
    }

    private static long Get(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    private static long ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : 0;
    }

    /// <summary>
    /// Writes canonical usage as Gemini reports it: prompt including cache reads, candidates without thoughts, and a
    /// total of all three.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartObject("usageMetadata");
        writer.WriteNumber("promptTokenCount", usage.Input);
        writer.WriteNumber("candidatesTokenCount", Math.Max(0, usage.Output - usage.Reasoning));
        writer.WriteNumber("totalTokenCount", usage.Input + usage.Output);
        if (usage.Cached > 0)
        {
            writer.WriteNumber("cachedContentTokenCount", usage.Cached);
        }
        if (usage.Reasoning > 0)
        {
            writer.WriteNumber("thoughtsTokenCount", usage.Reasoning);
        }
        writer.WriteEndObject();
    }
}
