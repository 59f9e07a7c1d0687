
namespace Switchyard.Contracts.Canonical;

/// <summary>
/// A protocol-neutral stream event, shaped like Anthropic's: content arrives in indexed blocks that start,
/// receive deltas and stop. Upstream parsers produce these; client stream writers render them.
/// </summary>
public abstract record StreamEvent;

public sealed record MessageStarted(string Id, string Model, TokenUsage? Usage) : StreamEvent;

/// <summary>
/// A block opens: <see cref="TextPart"/> (empty text), <see cref="ToolCallPart"/> (id and name, empty arguments)
/// or <see cref="ThinkingPart"/> (empty).
/// </summary>
public sealed record BlockStarted(int Index, ContentPart Block) : StreamEvent;

public sealed record TextDelta(int Index, string Text) : StreamEvent;

public sealed record ThinkingDelta(int Index, string Text) : StreamEvent;

public sealed record SignatureDelta(int Index, string Signature) : StreamEvent;

/// <summary>A piece of a tool call's JSON arguments.</summary>
public sealed record ToolArgumentsDelta(int Index, string Json) : StreamEvent;

public sealed record BlockStopped(int Index) : StreamEvent;

/// <summary>The stop reason and/or usage. Usage is cumulative; a later event's usage replaces an earlier one.</summary>
public sealed record MessageDelta(StopReason? StopReason, string? StopSequence, TokenUsage? Usage) : StreamEvent;

/// <summary>The stream completed normally.</summary>
public sealed record MessageStopped : StreamEvent
{
    public static readonly MessageStopped Instance = new();
}

/// <summary>The upstream reported an error inside the stream.</summary>
public sealed record StreamFailed(GatewayError Error) : StreamEvent;
