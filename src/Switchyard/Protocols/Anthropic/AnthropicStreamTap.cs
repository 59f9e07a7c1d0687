using System.Buffers;
using Switchyard.Contracts;
using Switchyard.Wire;

namespace Switchyard.Protocols.Anthropic;

/// <summary>
/// Taps an Anthropic stream passing through unchanged: input and cache usage from <c>message_start</c>,
/// cumulative output from <c>message_delta</c>; complete only after <c>message_stop</c>.
/// </summary>
internal sealed class AnthropicStreamTap : IStreamTap
{
    private AnthropicUsageReader.Fields _fields;
    private bool _stopped;
    private GatewayError? _streamError;

    public TokenUsage Usage => _fields.ToUsage();

    public bool Finished => _stopped && _streamError is null;

    public bool OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (eventName.SequenceEqual("message_start"u8) || eventName.SequenceEqual("message_delta"u8))
        {
            if (AnthropicUsageReader.TryRead(data, out var fields))
            {
                _fields = fields.MergedOver(_fields);
            }
        }
        else if (eventName.SequenceEqual("message_stop"u8))
        {
            _stopped = true;
        }
        else if (eventName.SequenceEqual("error"u8))
        {
            // The client already gets the upstream's own error event; the ledger notes the failure.
            _streamError = new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream reported an error inside the stream.");
        }
        return true;
    }

    public GatewayError? Complete(IBufferWriter<byte> output) =>
        _streamError ?? (_stopped ? null : new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed."));
}
