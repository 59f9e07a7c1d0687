using System.Text.Encodings.Web;
using System.Text.Json;

namespace Switchyard.MockUpstream;

internal static class MockJson
{
    // OpenAI sends non-ASCII text as raw UTF-8, not \u escapes; the relaxed encoder comes closest.
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>True when <paramref name="element"/> is the string <paramref name="expected"/>; never throws on other kinds.</summary>
    public static bool Is(JsonElement element, ReadOnlySpan<byte> expected) =>
        element.ValueKind == JsonValueKind.String && element.ValueEquals(expected);

    /// <summary>The string property <paramref name="name"/> of an object, or null.</summary>
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>
    /// Writes tool-call arguments as a JSON object (Anthropic's tool_use input, Gemini's functionCall args).
    /// Arguments that are not a JSON object become <c>{}</c>, as those protocols cannot carry anything else.
    /// </summary>
    public static void WriteArgumentsObject(Utf8JsonWriter json, ReadOnlySpan<byte> name, string arguments)
    {
        json.WritePropertyName(name);
        json.WriteRawValue(ArgumentsObject(arguments), skipInputValidation: true);
    }

    /// <summary>The arguments when they are a JSON object, otherwise <c>{}</c>.</summary>
    public static string ArgumentsObject(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object ? arguments : "{}";
        }
        catch (JsonException)
        {
            return "{}";
        }
    }
}
