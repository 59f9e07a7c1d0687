using System.Text.Json;
using Switchyard.Contracts;

namespace Switchyard.Wire;

/// <summary>
/// Reads the <c>usage</c> object of an OpenAI response or stream chunk with a Utf8JsonReader.
/// Understands the OpenAI-compatible variants too: DeepSeek's <c>prompt_cache_hit_tokens</c>.
/// </summary>
public static class OpenAiUsageReader
{
    private static ReadOnlySpan<byte> UsageProperty => "\"usage\""u8;

    /// <summary>Cheap pre-check before a full scan: most stream chunks carry no usage.</summary>
    public static bool MayContainUsage(ReadOnlySpan<byte> json) => json.IndexOf(UsageProperty) >= 0;

    /// <param name="hasChoices">Whether the object has a non-empty <c>choices</c> array (a usage-only chunk has none).</param>
    public static bool TryRead(ReadOnlySpan<byte> json, out TokenUsage usage, out bool hasChoices)
    {
        usage = default;
        hasChoices = false;
        var found = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = ReadUsage(ref reader);
                        found = true;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("choices"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        reader.Read();
                        hasChoices = reader.TokenType != JsonTokenType.EndArray;
                        if (hasChoices)
                        {
                            reader.Skip();
                            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                            {
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
        }
        catch (JsonException)
        {
            return false;
        }
        return found;
    }

    private static TokenUsage ReadUsage(ref Utf8JsonReader reader)
    {
        long prompt = 0, completion = 0, cached = 0, reasoning = 0, cacheHit = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
            {
                prompt = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                completion = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_cache_hit_tokens"u8))
            {
                cacheHit = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
            {
                cached = ReadDetail(ref reader, "cached_tokens"u8);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8) || reader.ValueTextEquals("output_tokens_details"u8))
            {
                reasoning = ReadDetail(ref reader, "reasoning_tokens"u8);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (cached == 0 && cacheHit > 0)
        {
            cached = cacheHit;
        }
        return new TokenUsage(prompt, completion, cached, 0, reasoning);
    }

    private static long ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : 0;
    }

    private static long ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }
        long value = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                value = ReadLong(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return value;
    }
}
