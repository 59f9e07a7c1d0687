namespace Switchyard.MockUpstream;

/// <summary>Random identifiers shaped like OpenAI's (prefix plus base62), cheap enough for every request.</summary>
internal static class MockIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Hex = "0123456789abcdef";

    public static string ChatCompletionId() => Create("chatcmpl-", 29, Alphabet);

    public static string ToolCallId() => Create("call_", 24, Alphabet);

    public static string RequestId() => Create("req_", 32, Hex);

    private static string Create(string prefix, int length, string alphabet) =>
        string.Create(prefix.Length + length, (prefix, alphabet), static (span, state) =>
        {
            state.prefix.CopyTo(span);
            var random = Random.Shared;
            for (var i = state.prefix.Length; i < span.Length; i++)
            {
                span[i] = state.alphabet[random.Next(state.alphabet.Length)];
            }
        });
}
