using System.Text.Json;

namespace Switchyard.Contracts.Canonical;

/// <summary>Tolerant field reads shared by every codec and provider adapter: a missing or mistyped field is null.</summary>
public static class JsonFields
{
    public static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? Long(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    public static double? Double(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    public static bool IsTrue(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>A sub-element that outlives the parsed document (for JSON kept as is: schemas, cache_control).</summary>
    public static JsonElement? Clone(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.Clone() : null;
}

/// <summary>A request the codec cannot convert; becomes a 400 naming the field.</summary>
public sealed class InvalidRequestException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>Parses a request body and runs a codec's reader over it, turning failures into the client's 400.</summary>
public static class CanonicalRequestReader
{
    public static ChatRequest? Read(ReadOnlyMemory<byte> body, Func<JsonElement, ChatRequest> read, out GatewayError? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            error = new GatewayError(GatewayErrorKind.MalformedJson, 400,
                $"We could not parse the JSON body of your request: {e.Message} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
            return null;
        }
        using (document)
        {
            try
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidRequestException("body", "The request body must be a JSON object.");
                }
                return read(document.RootElement);
            }
            catch (InvalidRequestException invalid)
            {
                error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, invalid.Message) { Param = invalid.Field };
                return null;
            }
        }
    }
}
