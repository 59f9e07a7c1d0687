using System.Text.Json;
using Switchyard.Contracts.Canonical;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Wire;

/// <summary>Gemini <c>Part</c> objects read into canonical parts and written from them, shared by the codec and the provider.</summary>
public static class GeminiParts
{
    /// <summary>
    /// Text, thought, inline data and file parts. Function calls and responses need their turn's context (ids,
    /// names) and are read by the callers.
    /// </summary>
    public static ContentPart? ReadMedia(JsonElement part)
    {
        if (Str(part, "text") is { } text)
        {
            var signature = Str(part, "thoughtSignature");
            return IsTrue(part, "thought") ? new ThinkingPart(text, null) { ThoughtSignature = signature } : new TextPart(text) { ThoughtSignature = signature };
        }
        if (part.TryGetProperty("inlineData", out var inline) && inline.ValueKind == JsonValueKind.Object)
        {
            var mime = Str(inline, "mimeType");
            var data = Str(inline, "data");
            return IsImage(mime) ? new ImagePart(null, mime, data) : new DocumentPart(null, mime, data, null);
        }
        if (part.TryGetProperty("fileData", out var file) && file.ValueKind == JsonValueKind.Object)
        {
            var mime = Str(file, "mimeType");
            var uri = Str(file, "fileUri");
            return IsImage(mime) ? new ImagePart(uri, mime, null) : new DocumentPart(uri, mime, null, null);
        }
        return null;
    }

    private static bool IsImage(string? mime) => mime is not null && mime.StartsWith("image/", StringComparison.Ordinal);

    public static void WriteText(Utf8JsonWriter writer, string text, bool thought = false, string? signature = null)
    {
        writer.WriteStartObject();
        writer.WriteString("text", text);
        if (thought)
        {
            writer.WriteBoolean("thought", true);
        }
        WriteSignature(writer, signature);
        writer.WriteEndObject();
    }

    /// <summary>
    /// A functionCall part; <paramref name="argumentsJson"/> is JSON text and becomes the <c>args</c> object.
    /// <paramref name="signature"/> is the part's thoughtSignature, a sibling of <c>functionCall</c>, byte for byte.
    /// </summary>
    public static void WriteFunctionCall(Utf8JsonWriter writer, string name, string argumentsJson, string? id = null, string? signature = null)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("functionCall");
        if (id is not null)
        {
            writer.WriteString("id", id);
        }
        writer.WriteString("name", name);
        JsonText.WriteObject(writer, "args", argumentsJson);
        writer.WriteEndObject();
        WriteSignature(writer, signature);
        writer.WriteEndObject();
    }

    private static void WriteSignature(Utf8JsonWriter writer, string? signature)
    {
        if (signature is { Length: > 0 })
        {
            writer.WriteString("thoughtSignature", signature);
        }
    }

    /// <summary>Images and documents as inlineData (base64 or a data: URL) or fileData (any other URL); text documents as text.</summary>
    public static bool WriteMedia(Utf8JsonWriter writer, ContentPart part)
    {
        var (url, mime, data) = part switch
        {
            ImagePart image => (image.Url, image.MediaType, image.Data),
            DocumentPart { Text: not null } => (null, null, null),
            DocumentPart document => (document.Url, document.MediaType, document.Data),
            _ => (null, null, null),
        };
        if (part is DocumentPart { Text: { } documentText })
        {
            WriteText(writer, documentText);
            return true;
        }
        if (url is not null && url.StartsWith("data:", StringComparison.Ordinal) && url.IndexOf(',') is var comma and > 5)
        {
            var header = url[5..comma];
            mime = header.Split(';')[0];
            data = url[(comma + 1)..];
            url = null;
        }
        if (data is not null)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("inlineData");
            writer.WriteString("mimeType", mime ?? "application/octet-stream");
            writer.WriteString("data", data);
            writer.WriteEndObject();
            writer.WriteEndObject();
            return true;
        }
        if (url is not null)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("fileData");
            if (mime is not null)
            {
                writer.WriteString("mimeType", mime);
            }
            writer.WriteString("fileUri", url);
            writer.WriteEndObject();
            writer.WriteEndObject();
            return true;
        }
        return false;
    }
}
