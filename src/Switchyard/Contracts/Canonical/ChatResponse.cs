
namespace Switchyard.Contracts.Canonical;

public enum StopReason
{
    EndTurn,
    MaxTokens,
    StopSequence,
    ToolUse,
    ContentFilter,
    Refusal,

    /// <summary>Anthropic's <c>pause_turn</c>: a long turn of server tools paused; sending the answer back continues it.</summary>
    PauseTurn,

    /// <summary>Anthropic's <c>model_context_window_exceeded</c>: the context window, not max_tokens, ended the answer.</summary>
    ContextWindowExceeded,
}

/// <summary>A complete (non-stream) answer. Usage is in OpenAI's semantics (see <see cref="TokenUsage"/>).</summary>
public sealed record ChatResponse(string Id, string Model, IReadOnlyList<ContentPart> Content, StopReason StopReason, TokenUsage Usage)
{
    public string? StopSequence { get; init; }
}
