using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Switchyard.MockUpstream;

/// <summary>
/// The reply to a request that asks for JSON matching a schema (OpenAI <c>response_format</c> / Responses
/// <c>text.format</c> <c>json_schema</c>, Gemini <c>responseJsonSchema</c> or the OpenAPI-style <c>responseSchema</c>):
/// the smallest instance the schema accepts, as a model under constrained decoding would give. Clients that parse
/// the answer (Gemini CLI's model router and next-speaker check) then get valid JSON rather than prose.
/// </summary>
internal static class MockSchemaReply
{
    private const int MaxDepth = 16;

    public static string Write(JsonElement schema)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Instance(writer, schema, 0);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Instance(Utf8JsonWriter writer, JsonElement schema, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth)
        {
            writer.WriteNullValue();
            return;
        }
        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(writer);
            return;
        }
        if (schema.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            choices[0].WriteTo(writer);
            return;
        }
        foreach (var alternatives in (ReadOnlySpan<string>)["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(alternatives, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
            {
                Instance(writer, list[0], depth + 1);
                return;
            }
        }
        switch (TypeOf(schema))
        {
            case "object":
                writer.WriteStartObject();
                if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        writer.WritePropertyName(property.Name);
                        Instance(writer, property.Value, depth + 1);
                    }
                }
                writer.WriteEndObject();
                break;
            case "array":
                writer.WriteStartArray();
                var count = schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var n) ? Math.Clamp(n, 0, 8) : 0;
                schema.TryGetProperty("items", out var items);
                for (var i = 0; i < count; i++)
                {
                    Instance(writer, items, depth + 1);
                }
                writer.WriteEndArray();
                break;
            case "integer":
            case "number":
                // 1 rather than 0 without a minimum: schemas often leave "a score from 1 to 100" to the description.
                writer.WriteNumberValue(schema.TryGetProperty("minimum", out var minimum) && minimum.TryGetDouble(out var low) ? Math.Ceiling(low) : 1);
                break;
            case "boolean":
                writer.WriteBooleanValue(false);
                break;
            case "null":
                writer.WriteNullValue();
                break;
            default:
                var length = schema.TryGetProperty("minLength", out var minLength) && minLength.TryGetInt32(out var chars) ? Math.Clamp(chars, 0, 256) : 0;
                writer.WriteStringValue(MockReplies.Default.PadRight(length, '.'));
                break;
        }
    }

    /// <summary>The first non-null type; Gemini's OpenAPI-style schemas spell types in capitals (<c>OBJECT</c>).</summary>
    private static string TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : "string";
        }
        if (type.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in type.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.String && !entry.ValueEquals("null"))
                {
                    return entry.GetString()!.ToLowerInvariant();
                }
            }
            return "null";
        }
        return type.ValueKind == JsonValueKind.String ? type.GetString()!.ToLowerInvariant() : "string";
    }
}
