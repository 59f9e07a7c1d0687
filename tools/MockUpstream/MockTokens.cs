namespace Switchyard.MockUpstream;

/// <summary>
/// The mock's stand-in for a tokenizer, public so tests can compute the usage the mock will report.
/// </summary>
/// <remarks>
/// One token is one whitespace-separated word. A chat request's prompt_tokens is, summed over its
/// messages, <see cref="Count(string)"/> of every text content of the message (the content string, or
/// each <c>"type":"text"</c> part) plus <see cref="PerMessageTokens"/>. completion_tokens is the number
/// of words in the reply (for tool calls: <c>Count(arguments) + 1</c> per call) plus any reasoning
/// tokens requested with <c>[mock:reasoning=N]</c>. Embeddings: prompt_tokens is the sum of
/// <see cref="Count(string)"/> over the inputs (a token-id array counts one token per id).
/// </remarks>
public static class MockTokens
{
    /// <summary>Tokens added for every chat message on top of its words (role and framing, as real tokenizers do).</summary>
    public const int PerMessageTokens = 3;

    /// <summary>Number of whitespace-separated words in <paramref name="text"/>.</summary>
    public static int Count(string? text) => text is null ? 0 : Count(text.AsSpan());

    /// <summary>Number of whitespace-separated words in <paramref name="text"/>.</summary>
    public static int Count(ReadOnlySpan<char> text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                count++;
            }
        }

        return count;
    }
}
