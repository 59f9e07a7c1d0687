using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Switchyard.Security;

/// <summary>Redaction of bytes an upstream sent, before any of them is relayed to a client or quoted in an error.</summary>
public sealed partial class Redactor
{
    /// <summary>
    /// The body with every secret masked; the same bytes when there was none. JSON stays valid JSON in the same shape:
    /// each string (names and values) is unescaped before it is checked, so a secret spelled with <c>\u</c> escapes is
    /// caught too, and the value of a credential-named field is masked whole. Anything else is redacted as UTF-8 text.
    /// </summary>
    public ReadOnlyMemory<byte> RedactBody(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return body;
        }
        if (TryRedactJson(body.Span, out var json))
        {
            return json ?? body;
        }
        return TryRedact(Encoding.UTF8.GetString(body.Span), out var redacted) ? Encoding.UTF8.GetBytes(redacted) : body;
    }

    /// <returns>False when the body is not JSON; otherwise true, with <paramref name="redacted"/> null when nothing was masked.</returns>
    private bool TryRedactJson(ReadOnlySpan<byte> body, out byte[]? redacted)
    {
        redacted = null;
        var output = new ArrayBufferWriter<byte>(body.Length + 64);
        var changed = false;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var writer = new Utf8JsonWriter(output, Contracts.GatewayJson.WriterOptions);
            var credentialField = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        credentialField = IsCredentialField(name);
                        writer.WritePropertyName(Checked(name, ref changed));
                        continue;
                    case JsonTokenType.String:
                        var value = reader.GetString()!;
                        if (credentialField && value.Length > 0)
                        {
                            writer.WriteStringValue(Mask);
                            changed = true;
                        }
                        else
                        {
                            writer.WriteStringValue(Checked(value, ref changed));
                        }
                        break;
                    case JsonTokenType.Number:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True or JsonTokenType.False:
                        writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                    default:
                        break;
                }
                credentialField = false;
            }
            writer.Flush();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
        redacted = changed ? output.WrittenSpan.ToArray() : null;
        return true;
    }

    private string Checked(string text, ref bool changed)
    {
        if (TryRedact(text, out var redacted))
        {
            changed = true;
            return redacted;
        }
        return text;
    }

    /// <summary>Fields whose value is a credential whatever it looks like: a short or custom secret has no shape to match.</summary>
    private static bool IsCredentialField(string name) =>
        name.Equals("authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("proxy-authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("password", StringComparison.OrdinalIgnoreCase)
        || name.Equals("secret", StringComparison.OrdinalIgnoreCase)
        || name.Equals("token", StringComparison.OrdinalIgnoreCase)
        || name.Equals("access_token", StringComparison.OrdinalIgnoreCase)
        || name.Replace('-', '_').Equals("x_api_key", StringComparison.OrdinalIgnoreCase)
        || name.Replace('-', '_').Equals("x_goog_api_key", StringComparison.OrdinalIgnoreCase)
        || name.Replace('-', '_').Equals("api_key", StringComparison.OrdinalIgnoreCase)
        || name.Equals("apikey", StringComparison.OrdinalIgnoreCase);
}
