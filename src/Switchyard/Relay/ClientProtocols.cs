using Switchyard.Contracts.Canonical;
using Switchyard.Protocols;
using Switchyard.Protocols.Anthropic;
using Switchyard.Protocols.OpenAi;

namespace Switchyard.Relay;

/// <summary>The client-facing protocols the endpoints serve, each with the codec that converts it when the upstream differs.</summary>
public sealed class ClientProtocols
{
    public ClientProtocols(IEnumerable<IClientCodec> codecs)
    {
        var byName = codecs.ToDictionary(c => c.Name, StringComparer.Ordinal);
        OpenAiChat = new OpenAiChatProtocol("chat.completions", "chat/completions", "messages", null, canStream: true, byName.GetValueOrDefault("openai.chat"));
        OpenAiEmbeddings = new OpenAiChatProtocol("embeddings", "embeddings", null, "input", canStream: false, codec: null);
        if (byName.GetValueOrDefault("anthropic.messages") is { } anthropic)
        {
            AnthropicMessages = new AnthropicMessagesProtocol("messages", "messages", anthropic);
            AnthropicCountTokens = new AnthropicMessagesProtocol("messages.count_tokens", "messages/count_tokens", anthropic, countsTokens: true);
        }
        if (byName.GetValueOrDefault("gemini") is { } gemini)
        {
            GeminiGenerate = new Protocols.Gemini.GeminiProtocol(gemini, stream: false);
            GeminiStream = new Protocols.Gemini.GeminiProtocol(gemini, stream: true);
            GeminiStreamArray = new Protocols.Gemini.GeminiProtocol(gemini, stream: true, jsonArray: true);
            GeminiCountTokens = new Protocols.Gemini.GeminiCountTokensProtocol(gemini);
            GeminiEmbed = new Protocols.Gemini.GeminiEmbedProtocol(batch: false);
            GeminiBatchEmbed = new Protocols.Gemini.GeminiEmbedProtocol(batch: true);
        }
        if (byName.GetValueOrDefault("openai.responses") is { } responses)
        {
            OpenAiResponses = new Protocols.Responses.ResponsesProtocol(responses);
        }
    }

    public ClientProtocol? GeminiGenerate { get; }

    public ClientProtocol? GeminiStream { get; }

    /// <summary>streamGenerateContent without <c>alt=sse</c>: one JSON array, element by element.</summary>
    public ClientProtocol? GeminiStreamArray { get; }

    public ClientProtocol? GeminiCountTokens { get; }

    public ClientProtocol? GeminiEmbed { get; }

    public ClientProtocol? GeminiBatchEmbed { get; }

    public ClientProtocol OpenAiChat { get; }

    public ClientProtocol OpenAiEmbeddings { get; }

    public ClientProtocol? AnthropicMessages { get; }

    public ClientProtocol? AnthropicCountTokens { get; }

    public ClientProtocol? OpenAiResponses { get; }
}
