using System.Text.Json;

namespace Switchyard.Providers.Gemini;

/// <summary>
/// Google answers a wrong or revoked API key with 400 INVALID_ARGUMENT whose details carry the reason
/// <c>API_KEY_INVALID</c>, not with 401: this tells that answer apart from a client's bad request, so the key is
/// disabled like any other rejected credential.
/// </summary>
public static class GeminiKeyRejection
{
    public const string Reason = "API_KEY_INVALID";

    public static bool IsKeyRejected(int status, ReadOnlySpan<byte> body)
    {
        if (status != 400 || body.IsEmpty)
        {
            return false;
        }
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("reason"u8) && reader.Read()
                    && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(Reason))
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
        }
        return false;
    }
}
