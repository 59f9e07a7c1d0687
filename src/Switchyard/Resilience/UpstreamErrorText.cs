using System.Text;
using System.Text.Json;

namespace Switchyard.Resilience;

/// <summary>
/// The message an upstream gave with a refusal: <c>error.message</c> as OpenAI, Anthropic and Gemini all send it,
/// an <c>error</c> or <c>message</c> string as some compatible servers do, else the body's first line. Unredacted:
/// the caller masks key material before anyone sees it.
/// </summary>
internal static class UpstreamErrorText
{
    private const int MaxChars = 500;

    public static string? Of(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var root = document.RootElement;
            // Gemini answers some errors as a one-element array of its error object.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error))
                {
                    if (error.ValueKind == JsonValueKind.String)
                    {
                        return Short(error.GetString());
                    }
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    {
                        return Short(message.GetString());
                    }
                }
                if (root.TryGetProperty("message", out var top) && top.ValueKind == JsonValueKind.String)
                {
                    return Short(top.GetString());
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (an HTML error page of a proxy in between): its first line says enough.
        }
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxChars * 4)]);
        var end = text.IndexOfAny(['\r', '\n']);
        return Short(end < 0 ? text : text[..end]);
    }

    private static string? Short(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= MaxChars ? text : text[..MaxChars];
    }
}
