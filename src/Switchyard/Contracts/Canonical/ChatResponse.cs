
namespace Switchyard.Contracts.Canonical;

public enum StopReason
{
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    ContentFilter,
    Refusal,
}

/// <summary>A complete (non-stream) answer. Usage is in OpenAI's semantics (see <see cref="TokenUsage"/>).</summary>
public sealed record ChatResponse(string Id, string Model, IReadOnlyList<ContentPart> Content, StopReason StopReason, TokenUsage Usage)
{
    public string? StopSequence { get; init; }
}
