using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Switchyard.Contracts.Canonical;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Protocols.Responses;

/// <summary>
/// Carries signed reasoning (Anthropic thinking with its signature, or redacted thinking) through a Responses client
/// in a reasoning item's <c>encrypted_content</c>, so that Codex-style clients sending the item back with
/// <c>store: false</c> give the upstream its thinking byte-exact. The prefix tells it apart from OpenAI's own
/// encrypted reasoning, which means nothing to any other upstream and is dropped.
/// </summary>
internal static class ReasoningEnvelope
{
    public const string Prefix = "sy1.";

    /// <returns>The <c>encrypted_content</c> for a part, or null when it carries nothing to give back (unsigned reasoning).</returns>
    public static string? Seal(ContentPart part)
    {
        var output = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            switch (part)
            {
                case ThinkingPart { Signature: { Length: > 0 } signature } thinking:
                    writer.WriteString("thinking", thinking.Text);
                    writer.WriteString("signature", signature);
                    break;
                case RedactedThinkingPart redacted:
                    writer.WriteString("redacted", redacted.Data);
                    break;
                default:
                    return null;
            }
            writer.WriteEndObject();
        }
        return Prefix + Base64Url.EncodeToString(output.WrittenSpan);
    }

    /// <summary>A reasoning input item as a canonical part, or null when it carries nothing another upstream can use.</summary>
    public static ContentPart? Read(JsonElement item)
    {
        if (Str(item, "encrypted_content") is { } sealedContent && sealedContent.StartsWith(Prefix, StringComparison.Ordinal))
        {
            if (Open(sealedContent.AsSpan(Prefix.Length)) is { } opened)
            {
                return opened;
            }
        }
        var text = string.Concat(Texts(item, "summary", "summary_text"));
        if (text.Length == 0)
        {
            text = string.Concat(Texts(item, "content", "reasoning_text"));
        }
        return text.Length > 0 ? new ThinkingPart(text, null) : null;
    }

    private static ContentPart? Open(ReadOnlySpan<char> encoded)
    {
        try
        {
            using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(encoded));
            var root = document.RootElement;
            if (Str(root, "redacted") is { } data)
            {
                return new RedactedThinkingPart(data);
            }
            return Str(root, "signature") is { } signature ? new ThinkingPart(Str(root, "thinking") ?? "", signature) : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<string> Texts(JsonElement item, string property, string type)
    {
        if (!item.TryGetProperty(property, out var parts) || parts.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }
        foreach (var part in parts.EnumerateArray())
        {
            if (Str(part, "type") == type && Str(part, "text") is { } text)
            {
                yield return text;
            }
        }
    }
}
