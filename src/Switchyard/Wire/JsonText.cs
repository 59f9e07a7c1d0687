using System.Text.Json;

namespace Switchyard.Wire;

/// <summary>JSON held as text (tool arguments) written into a body, the same way by every family that nests it as an object.</summary>
public static class JsonText
{
    /// <summary>Writes JSON text held as a string (tool arguments) as a raw object, or <c>{}</c> if it is not one.</summary>
    public static void WriteObject(Utf8JsonWriter writer, string propertyName, string json)
    {
        writer.WritePropertyName(propertyName);
        if (!string.IsNullOrWhiteSpace(json))
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    document.RootElement.WriteTo(writer);
                    return;
                }
            }
            catch (JsonException)
            {
                // A model that produced broken arguments still gets an answer; the tool sees an empty input.
            }
        }
        writer.WriteStartObject();
        writer.WriteEndObject();
    }
}
