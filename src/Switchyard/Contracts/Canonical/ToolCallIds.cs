using System.Buffers.Text;
using System.Text;

namespace Switchyard.Contracts.Canonical;

/// <summary>
/// A tool call's id as clients of the OpenAI, Anthropic and Responses protocols see it. Those clients echo back
/// nothing of a call but its id, byte for byte, so a Gemini <c>thoughtSignature</c> travels inside it:
/// <c>{id}__gts_{base64url(signature)}</c>, the characters every protocol allows in an id (Anthropic's pattern is
/// <c>^[a-zA-Z0-9_-]+$</c>). Codecs write ids through <see cref="ToWire"/> and read them back through
/// <see cref="FromWire"/>, so the canonical id is always the plain one and upstreams of other families never see the
/// signature.
/// </summary>
public static class ToolCallIds
{
    public const string Marker = "__gts_";

    public static string ToWire(ContentPart call, string id) =>
        call.ThoughtSignature is { Length: > 0 } signature ? id + Marker + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(signature)) : id;

    public static string ToWire(ToolCallPart call) => ToWire(call, call.Id);

    /// <returns>The plain id, and the signature it carried (null when none, or when what follows the marker is not one).</returns>
    public static (string Id, string? Signature) FromWire(string wireId)
    {
        var at = wireId.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return (wireId, null);
        }
        try
        {
            return (wireId[..at], Encoding.UTF8.GetString(Base64Url.DecodeFromChars(wireId.AsSpan(at + Marker.Length))));
        }
        catch (FormatException)
        {
            return (wireId, null);
        }
    }

    /// <summary>A call read from a client's request, with the signature its id carried.</summary>
    public static ToolCallPart Call(string wireId, string name, string arguments)
    {
        var (id, signature) = FromWire(wireId);
        return new ToolCallPart(id, name, arguments) { ThoughtSignature = signature };
    }

    /// <summary>The plain id a tool result names.</summary>
    public static string ResultId(string wireId) => FromWire(wireId).Id;
}
