using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;

namespace Switchyard.Protocols.Gemini;

/// <summary>Google's error envelope <c>{"error":{"code","message","status"}}</c>, with the google.rpc status names.</summary>
public static class GeminiErrors
{
    /// <summary>The google.rpc.Code name that goes with an HTTP status, as Google's APIs pair them.</summary>
    public static string StatusName(int status) => status switch
    {
        400 or 413 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "NOT_IMPLEMENTED",
        502 or 503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 400 and < 500 => "FAILED_PRECONDITION",
        _ => "INTERNAL",
    };

    public static void Write(IBufferWriter<byte> output, GatewayError error)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        WriteObject(writer, error);
    }

    public static void WriteObject(Utf8JsonWriter writer, GatewayError error)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteNumber("code", error.Status);
        writer.WriteString("message", error.Message);
        writer.WriteString("status", StatusName(error.Status));
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>{"error":{…"status":"…"}}</c> with nothing else at the top: Google's shape, not OpenAI's or Anthropic's.</summary>
    public static bool Matches(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            var found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("error"u8))
                {
                    return false;
                }
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    found |= reader.ValueTextEquals("status"u8);
                    reader.Read();
                    reader.Skip();
                }
            }
            return found;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
