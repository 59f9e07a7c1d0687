using System.Buffers;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Protocols.Anthropic;

/// <summary>
/// The Anthropic codec as <c>/v1/messages</c> uses it when converting: <c>max_tokens</c> is required there, and
/// Anthropic refuses a request without it, so a converted one is refused the same way rather than given a default
/// (count_tokens, which shares the codec, takes no max_tokens).
/// </summary>
internal sealed class MessagesCodec(IClientCodec inner) : IClientCodec
{
    public string Name => inner.Name;

    public ChatRequest? ReadRequest(ReadOnlyMemory<byte> body, out GatewayError? error)
    {
        var request = inner.ReadRequest(body, out error);
        if (request is { MaxTokens: null })
        {
            error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, "max_tokens: Field required") { Param = "max_tokens" };
            return null;
        }
        return request;
    }

    public void WriteResponse(IBufferWriter<byte> output, ChatResponse response) => inner.WriteResponse(output, response);

    public void WriteResponse(IBufferWriter<byte> output, ChatResponse response, ChatRequest request) => inner.WriteResponse(output, response, request);

    public IClientStreamWriter CreateStreamWriter(ChatRequest request) => inner.CreateStreamWriter(request);

    public void WriteError(IBufferWriter<byte> output, GatewayError error) => inner.WriteError(output, error);
}
