namespace Switchyard.MockUpstream;

internal readonly record struct MockToolCall(string Id, string Name, string Arguments);

/// <summary>OpenAI's usage: prompt_tokens includes cached_tokens; completion_tokens includes reasoning_tokens.</summary>
internal readonly record struct MockUsage(int PromptTokens, int CompletionTokens, int CachedTokens, int ReasoningTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>What the mock answers to one chat completion request, decided before anything is written.</summary>
internal sealed class ChatCompletionOutcome
{
    public const string DefaultReply = "Hello from the mock upstream.";
    public const string ToolResultPrefix = "Tool result received: ";

    private ChatCompletionOutcome(string? text, MockToolCall[]? toolCalls, string finishReason, MockUsage usage)
    {
        Text = text;
        ToolCalls = toolCalls;
        FinishReason = finishReason;
        Usage = usage;
    }

    /// <summary>The reply, already cut to max_tokens words; null for a tool call answer.</summary>
    public string? Text { get; }

    public MockToolCall[]? ToolCalls { get; }

    public string FinishReason { get; }

    public MockUsage Usage { get; }

    public static ChatCompletionOutcome Decide(ChatCompletionRequest request, MockDirectives directives)
    {
        var reasoning = directives.ReasoningTokens;
        var cached = Math.Min(directives.CachedTokens, request.PromptTokens);
        if (request.WantsToolCall)
        {
            var arguments = directives.ToolArguments ?? "{}";
            MockToolCall[] calls = request.ForcedTool is { } forced
                ? [new(MockIds.ToolCallId(), forced, arguments)]
                : directives.ParallelTools && request.SecondTool is { } second
                    ? [new(MockIds.ToolCallId(), request.FirstTool!, arguments), new(MockIds.ToolCallId(), second, arguments)]
                    : [new(MockIds.ToolCallId(), request.FirstTool!, arguments)];
            var completion = calls.Length * (MockTokens.Count(arguments) + 1);
            return new(null, calls, "tool_calls", new(request.PromptTokens, completion + reasoning, cached, reasoning));
        }

        // An explicit reply directive beats the tool-result echo: the test author asked for it.
        var text = directives.Reply
            ?? (request.LastToolResult is { } toolResult ? ToolResultPrefix + toolResult : DefaultReply);
        var words = MockTokens.Count(text);
        var finish = "stop";
        if (request.MaxTokens is int max && max < words)
        {
            text = text[..ReplyPieces.EndOfWord(text, max)];
            words = max;
            finish = "length";
        }

        return new(text, null, finish, new(request.PromptTokens, words + reasoning, cached, reasoning));
    }
}

/// <summary>
/// Splits a reply into stream pieces, one per word, each carrying the whitespace before it, so that
/// concatenating the pieces gives back the reply exactly (trailing whitespace rides on the last piece).
/// </summary>
internal static class ReplyPieces
{
    /// <summary>End (exclusive) of the piece starting at <paramref name="start"/>; call only while a word remains.</summary>
    public static int NextEnd(string text, int start)
    {
        var i = start;
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        var j = i;
        while (j < text.Length && char.IsWhiteSpace(text[j]))
        {
            j++;
        }

        return j == text.Length ? text.Length : i;
    }

    /// <summary>Index just after the <paramref name="words"/>-th word (1-based), without the whitespace after it.</summary>
    public static int EndOfWord(string text, int words)
    {
        var end = 0;
        for (var n = 0; n < words; n++)
        {
            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }

            while (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                end++;
            }
        }

        return end;
    }

    /// <summary>Splits tool-call arguments into about <paramref name="parts"/> pieces the way OpenAI streams them in fragments.</summary>
    public static int ArgumentPieceEnd(string arguments, int start, int parts)
    {
        var size = Math.Max(1, (arguments.Length + parts - 1) / parts);
        var end = Math.Min(arguments.Length, start + size);
        // Never split a surrogate pair: each fragment must be valid UTF-16 to serialise.
        if (end < arguments.Length && char.IsLowSurrogate(arguments[end]))
        {
            end++;
        }

        return end;
    }
}
