using Switchyard.Contracts.Canonical;

namespace Switchyard.Wire;

/// <summary>Gemini's FinishReason values and the canonical stop reasons, both ways.</summary>
public static class GeminiFinishReason
{
    /// <summary>Gemini ends a turn that called functions with a plain STOP; the calls themselves say it was tool use.</summary>
    public static StopReason ToCanonical(string? reason, bool calledFunctions) => reason switch
    {
        "MAX_TOKENS" => StopReason.MaxTokens,
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" or "LANGUAGE" => StopReason.ContentFilter,
        _ when calledFunctions => StopReason.ToolUse,
        _ => StopReason.EndTurn,
    };

    /// <summary>Gemini has no stop-sequence or tool-use reason: both are STOP there.</summary>
    public static string FromCanonical(StopReason reason) => reason switch
    {
        StopReason.MaxTokens or StopReason.ContextWindowExceeded => "MAX_TOKENS",
        StopReason.ContentFilter or StopReason.Refusal => "SAFETY",
        _ => "STOP",
    };
}
