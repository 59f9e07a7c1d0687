namespace Switchyard.MockUpstream;

/// <summary>Random identifiers shaped like each upstream's (prefix plus base62 or hex), cheap enough for every request.</summary>
internal static class MockIds
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Hex = "0123456789abcdef";

    public static string ChatCompletionId() => Create("chatcmpl-", 29, Alphabet);

    public static string ToolCallId() => Create("call_", 24, Alphabet);

    public static string RequestId() => Create("req_", 32, Hex);

    // Anthropic's identifiers start with a version prefix ("01", request ids "011C") before base62.
    public static string AnthropicRequestId() => Create("req_011C", 20, Alphabet);

    public static string AnthropicMessageId() => Create("msg_01", 22, Alphabet);

    public static string AnthropicToolUseId() => Create("toolu_01", 22, Alphabet);

    public static string ResponseId() => Create("resp_", 48, Hex);

    public static string ResponseMessageId() => Create("msg_", 48, Hex);

    public static string FunctionCallItemId() => Create("fc_", 48, Hex);

    public static string ReasoningItemId() => Create("rs_", 48, Hex);

    public static string GeminiResponseId() => Create(string.Empty, 22, Alphabet);

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
