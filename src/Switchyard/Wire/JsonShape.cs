using System.Text.Json;

namespace Switchyard.Wire;

/// <summary>Whether bytes are one whole JSON object, as every family's non-stream answer is.</summary>
public static class JsonShape
{
    /// <summary>One complete JSON object and nothing after it; a truncated or garbage body is not.</summary>
    public static bool IsObject(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
