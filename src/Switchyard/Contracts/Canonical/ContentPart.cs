using System.Text.Json;

namespace Switchyard.Contracts.Canonical;

/// <summary>One typed piece of a message or response.</summary>
public abstract record ContentPart
{
    /// <summary>
    /// Gemini's <c>thoughtSignature</c> on the part it came on (a function call, text, a thought): opaque, meaningful
    /// only to Gemini, and required back byte-exact on a function call of the current turn (Gemini 3 answers 400
    /// without it). Other protocols carry a call's signature inside its id (<see cref="ToolCallIds"/>).
    /// </summary>
    public string? ThoughtSignature { get; init; }
}

/// <summary>Text. <see cref="CacheControl"/> is Anthropic's prompt-caching marker, kept as JSON.</summary>
public sealed record TextPart(string Text) : ContentPart
{
    public JsonElement? CacheControl { get; init; }
}

/// <summary>An image, either by URL or inline base64 data with its media type.</summary>
public sealed record ImagePart(string? Url, string? MediaType, string? Data) : ContentPart
{
    public JsonElement? CacheControl { get; init; }
}

/// <summary>A document (PDF or plain text), by URL, inline base64 data, or text.</summary>
public sealed record DocumentPart(string? Url, string? MediaType, string? Data, string? Text) : ContentPart
{
    public string? Title { get; init; }
    public JsonElement? CacheControl { get; init; }
}

/// <summary>A tool call made by the assistant. <see cref="Arguments"/> is JSON text, as OpenAI carries it.</summary>
public sealed record ToolCallPart(string Id, string Name, string Arguments) : ContentPart;

/// <summary>The result of a tool call, sent back in a user turn.</summary>
public sealed record ToolResultPart(string ToolCallId, IReadOnlyList<ContentPart> Content, bool IsError) : ContentPart
{
    public JsonElement? CacheControl { get; init; }
}

/// <summary>
/// Model reasoning. <see cref="Signature"/> is Anthropic's opaque proof and must come back byte-exact; it is
/// meaningful only to the provider family that issued it, so conversions to another family drop the part.
/// </summary>
public sealed record ThinkingPart(string Text, string? Signature) : ContentPart;

/// <summary>Anthropic's encrypted thinking; only an Anthropic upstream can take it back.</summary>
public sealed record RedactedThinkingPart(string Data) : ContentPart;
