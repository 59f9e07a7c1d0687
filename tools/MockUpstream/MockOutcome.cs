namespace Switchyard.MockUpstream;

internal readonly record struct MockToolCall(string Id, string Name, string Arguments);

/// <summary>Why the reply ended, before each protocol names it (finish_reason, stop_reason, finishReason, status).</summary>
internal enum MockFinish
{
    Stop,
    Length,
    StopSequence,
    ToolCalls,
}

/// <summary>
/// Token counts in OpenAI's terms: <see cref="PromptTokens"/> includes the cached and cache-write tokens,
/// <see cref="CompletionTokens"/> includes the reasoning tokens. Protocols with other semantics derive theirs
/// (Anthropic subtracts the cache counts from input_tokens; Gemini reports thoughts beside candidates).
/// </summary>
internal readonly record struct MockUsage(int PromptTokens, int CompletionTokens, int CachedTokens, int ReasoningTokens, int CacheWriteTokens = 0)
{
    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Input tokens neither read from nor written to the cache (Anthropic's input_tokens).</summary>
    public int UncachedPromptTokens => PromptTokens - CachedTokens - CacheWriteTokens;

    /// <summary>Completion tokens the caller sees as text or tool calls (Gemini's candidatesTokenCount).</summary>
    public int VisibleCompletionTokens => CompletionTokens - ReasoningTokens;
}

/// <summary>
/// What the mock answers to one request, decided before anything is written and the same for every protocol:
/// each protocol only renders it. Keeping the decision in one place is what makes a reply, its tool calls and
/// its usage agree across OpenAI, Anthropic, Responses and Gemini for the same directives.
/// </summary>
internal sealed class MockOutcome
{
    public const string DefaultReply = MockReplies.Default;
    public const string ToolResultPrefix = MockReplies.ToolResultPrefix;
    public const string ThinkingText = MockReplies.Thinking;

    private MockOutcome(string? text, MockToolCall[]? toolCalls, MockFinish finish, string? stopSequence, string? thinking, MockUsage usage)
    {
        Text = text;
        ToolCalls = toolCalls;
        Finish = finish;
        StopSequence = stopSequence;
        Thinking = thinking;
        Usage = usage;
    }

    /// <summary>The reply, already cut at a stop sequence or to the token limit; null for a tool call answer.</summary>
    public string? Text { get; }

    public MockToolCall[]? ToolCalls { get; }

    public MockFinish Finish { get; }

    /// <summary>The stop sequence that ended the reply, when <see cref="Finish"/> is <see cref="MockFinish.StopSequence"/>.</summary>
    public string? StopSequence { get; }

    /// <summary>Visible reasoning, when the request asked for thinking; its tokens are in <see cref="MockUsage.ReasoningTokens"/>.</summary>
    public string? Thinking { get; }

    public MockUsage Usage { get; }

    /// <summary>Decides the answer; <paramref name="toolCallId"/> makes ids in the protocol's shape (OpenAI's call_ by default).</summary>
    public static MockOutcome Decide(MockPrompt prompt, MockDirectives directives, Func<string>? toolCallId = null)
    {
        var newId = toolCallId ?? MockIds.ToolCallId;
        var thinking = prompt.WantsThinking ? ThinkingText : null;
        // An explicit reasoning directive wins so tests can ask for any count, thinking shown or not.
        var reasoning = directives.ReasoningTokens > 0 ? directives.ReasoningTokens : MockTokens.Count(thinking);
        var cached = Math.Min(directives.CachedTokens, prompt.PromptTokens);
        var cacheWrite = Math.Min(directives.CacheWriteTokens, prompt.PromptTokens - cached);
        // [mock:tool=none] answers text although tools are offered (a plain answer from an agent that always sends
        // tools), unless tool_choice forces a call.
        if (prompt.WantsToolCall && (directives.Tool != "none" || prompt.ForcedTool is not null))
        {
            var arguments = directives.ToolArguments ?? "{}";
            var asked = directives.Tool is { } named && prompt.HasTool(named) ? named : null;
            MockToolCall[] calls = (prompt.ForcedTool ?? asked) is { } forced
                ? [new(newId(), forced, arguments)]
                : directives.ParallelTools && !prompt.SingleToolOnly && prompt.SecondTool is { } second
                    ? [new(newId(), prompt.FirstTool!, arguments), new(newId(), second, arguments)]
                    : [new(newId(), prompt.FirstTool!, arguments)];
            var completion = calls.Length * (MockTokens.Count(arguments) + 1);
            return new(null, calls, MockFinish.ToolCalls, null, thinking, new(prompt.PromptTokens, completion + reasoning, cached, reasoning, cacheWrite));
        }

        // An explicit reply directive beats the tool-result echo: the test author asked for it.
        // A requested schema constrains the reply as it would a real model's decoding.
        var text = directives.Reply
            ?? prompt.SchemaReply
            ?? (prompt.LastToolResult is { } toolResult ? ToolResultPrefix + toolResult : DefaultReply);
        var finish = MockFinish.Stop;
        string? matched = null;
        if (prompt.StopSequences is { Count: > 0 } stops && FirstStop(text, stops) is (int at, string stop))
        {
            text = text[..at];
            finish = MockFinish.StopSequence;
            matched = stop;
        }

        var words = MockTokens.Count(text);
        if (prompt.MaxTokens is int max && max < words)
        {
            text = text[..ReplyPieces.EndOfWord(text, max)];
            words = max;
            finish = MockFinish.Length;
            matched = null;
        }

        return new(text, null, finish, matched, thinking, new(prompt.PromptTokens, words + reasoning, cached, reasoning, cacheWrite));
    }

    private static (int At, string Stop)? FirstStop(string text, IReadOnlyList<string> stops)
    {
        (int At, string Stop)? first = null;
        foreach (var stop in stops)
        {
            var at = stop.Length == 0 ? -1 : text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (first is null || at < first.Value.At))
            {
                first = (at, stop);
            }
        }

        return first;
    }
}
