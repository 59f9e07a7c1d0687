using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Gemini's OpenAPI-style Schema (upper-case type names, <c>nullable</c>, <c>propertyOrdering</c>) as the JSON
/// Schema other providers take: the same tree, types in lower case, nullable folded into the type, Gemini-only keys dropped.
/// </summary>
internal static class GeminiSchema
{
    public static JsonElement ToJsonSchema(JsonElement schema)
    {
        var output = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions))
        {
            Write(writer, schema);
        }
        using var document = JsonDocument.Parse(output.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            schema.WriteTo(writer);
            return;
        }
        var nullable = schema.TryGetProperty("nullable", out var n) && n.ValueKind == JsonValueKind.True;
        writer.WriteStartObject();
        foreach (var property in schema.EnumerateObject())
        {
            switch (property.Name)
            {
                case "nullable" or "propertyOrdering":
                    break;
                case "type" when property.Value.ValueKind == JsonValueKind.String:
                    var type = property.Value.GetString()!.ToLowerInvariant();
                    if (nullable)
                    {
                        writer.WriteStartArray("type");
                        writer.WriteStringValue(type);
                        writer.WriteStringValue("null");
                        writer.WriteEndArray();
                    }
                    else
                    {
                        writer.WriteString("type", type);
                    }
                    break;
                case "properties" when property.Value.ValueKind == JsonValueKind.Object:
                    writer.WriteStartObject("properties");
                    foreach (var field in property.Value.EnumerateObject())
                    {
                        writer.WritePropertyName(field.Name);
                        Write(writer, field.Value);
                    }
                    writer.WriteEndObject();
                    break;
                case "items":
                    writer.WritePropertyName("items");
                    Write(writer, property.Value);
                    break;
                case "anyOf" when property.Value.ValueKind == JsonValueKind.Array:
                    writer.WriteStartArray("anyOf");
                    foreach (var option in property.Value.EnumerateArray())
                    {
                        Write(writer, option);
                    }
                    writer.WriteEndArray();
                    break;
                default:
                    property.WriteTo(writer);
                    break;
            }
        }
        writer.WriteEndObject();
    }
}
