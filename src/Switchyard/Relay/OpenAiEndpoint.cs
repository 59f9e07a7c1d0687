namespace Switchyard.Relay;

/// <summary>An OpenAI client endpoint the relay serves: its upstream path and what its body must hold.</summary>
public sealed record OpenAiEndpoint(string Name, string UpstreamPath, string? RequiredArray, string? RequiredInput, bool CanStream)
{
    public static readonly OpenAiEndpoint ChatCompletions = new("chat.completions", "chat/completions", "messages", null, CanStream: true);
    public static readonly OpenAiEndpoint Embeddings = new("embeddings", "embeddings", null, "input", CanStream: false);
}
