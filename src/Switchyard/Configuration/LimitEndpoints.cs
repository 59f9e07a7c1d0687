namespace Switchyard.Configuration;

/// <summary>
/// The kinds of call a limit may name under <c>limits.endpoints</c>: the OpenAI and Anthropic endpoints by their short
/// names and Gemini's by its method names, so a limit reads as the caller's own API does.
/// </summary>
public static class LimitEndpoints
{
    public static readonly IReadOnlyList<string> All =
    [
        "chat", "responses", "messages", "count_tokens", "embeddings",
        "generateContent", "streamGenerateContent", "countTokens", "embedContent", "batchEmbedContents",
    ];

    /// <summary>The limit name of a relay endpoint (<c>chat.completions</c>, <c>gemini.generate_content</c>, …).</summary>
    public static string? For(string endpoint, bool stream) => endpoint switch
    {
        "chat.completions" => "chat",
        "responses" => "responses",
        "messages" => "messages",
        "messages.count_tokens" => "count_tokens",
        "embeddings" => "embeddings",
        "gemini.generate_content" => stream ? "streamGenerateContent" : "generateContent",
        "gemini.count_tokens" => "countTokens",
        "gemini.embed_content" => "embedContent",
        "gemini.batch_embed_contents" => "batchEmbedContents",
        _ => null,
    };
}
