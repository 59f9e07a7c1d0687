using Switchyard.Protocols.OpenAi;

namespace Switchyard.Relay;

/// <summary>The client-facing protocols the endpoints serve.</summary>
public sealed class ClientProtocols
{
    public ClientProtocol OpenAiChat { get; } = new OpenAiChatProtocol("chat.completions", "chat/completions", "messages", null, canStream: true, codec: null);

    public ClientProtocol OpenAiEmbeddings { get; } = new OpenAiChatProtocol("embeddings", "embeddings", null, "input", canStream: false, codec: null);
}
