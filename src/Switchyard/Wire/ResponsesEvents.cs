using System.Text.Json;

namespace Switchyard.Wire;

/// <summary>Reads OpenAI Responses stream events, for the client side's tap and the upstream side's parser alike.</summary>
public static class ResponsesEvents
{
    /// <summary>The raw bytes of the event's <c>response</c> object.</summary>
    public static ReadOnlySpan<byte> ResponseOf(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isResponse = reader.ValueTextEquals("response"u8);
                reader.Read();
                if (isResponse && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    return data[start..(int)reader.BytesConsumed];
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return default;
    }
}
