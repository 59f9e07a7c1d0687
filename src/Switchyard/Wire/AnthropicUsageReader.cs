using System.Text.Json;
using Switchyard.Contracts;

namespace Switchyard.Wire;

/// <summary>
/// Reads Anthropic usage objects on the fast path (message bodies, <c>message_start</c>, <c>message_delta</c>)
/// into OpenAI semantics: Anthropic's <c>input_tokens</c> excludes cache reads and writes, ours includes them.
/// </summary>
public static class AnthropicUsageReader
{
    /// <summary>Anthropic's own fields, before conversion; null means "not present in this object".</summary>
    /// <param name="Thinking">
    /// <c>output_tokens_details.thinking_tokens</c>, where Anthropic reports how much of <c>output_tokens</c> was
    /// thinking: the reasoning tokens, already inside the output as OpenAI counts them.
    /// </param>
    public record struct Fields(long? Input, long? Output, long? CacheRead, long? CacheWrite, long? Thinking = null)
    {
        public readonly Fields MergedOver(Fields earlier) => new(
            Input ?? earlier.Input, Output ?? earlier.Output, CacheRead ?? earlier.CacheRead, CacheWrite ?? earlier.CacheWrite, Thinking ?? earlier.Thinking);

        public readonly TokenUsage ToUsage()
        {
            var cacheRead = CacheRead ?? 0;
            var cacheWrite = CacheWrite ?? 0;
            return new TokenUsage((Input ?? 0) + cacheRead + cacheWrite, Output ?? 0, cacheRead, cacheWrite, Math.Min(Thinking ?? 0, Output ?? 0));
        }
    }

    /// <summary>Finds <c>usage</c> at the top level or inside <c>message</c> (as in <c>message_start</c>).</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out Fields fields)
    {
        fields = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && FindIn(ref reader, out fields);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool FindIn(ref Utf8JsonReader reader, out Fields fields)
    {
        fields = default;
        var found = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    fields = ReadUsage(ref reader);
                    found = true;
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject && FindIn(ref reader, out var inner))
                {
                    fields = inner;
                    found = true;
                }
                else if (reader.TokenType != JsonTokenType.EndObject)
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return found;
    }

    private static Fields ReadUsage(ref Utf8JsonReader reader)
    {
        var fields = default(Fields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input_tokens"u8))
            {
                fields.Input = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                fields.Output = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                fields.CacheRead = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                fields.CacheWrite = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("output_tokens_details"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("thinking_tokens"u8))
                        {
                            fields.Thinking = ReadLong(ref reader);
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return fields;
    }

    private static long? ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : null;
    }
}
