using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Wire;

namespace Switchyard.Protocols.Responses;

/// <summary>
/// Taps a Responses stream passing through unchanged: usage from the final response.completed (or
/// response.incomplete / response.failed) event's Response; the stream is whole only once one of those arrived.
/// </summary>
internal sealed class ResponsesStreamTap : IStreamTap
{
    private bool _finished;
    private GatewayError? _streamError;
    private long _lastSequence = -1;

    public TokenUsage Usage { get; private set; }

    public bool Finished => _finished && _streamError is null;

    public bool OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        var type = Scan(data, out var sequence);
        if (eventName.Length > 0)
        {
            type = eventName;
        }
        _lastSequence = sequence ?? _lastSequence;
        if (type.SequenceEqual("response.completed"u8) || type.SequenceEqual("response.incomplete"u8) || type.SequenceEqual("response.failed"u8))
        {
            _finished = true;
            if (ResponsesEvents.ResponseOf(data) is { Length: > 0 } response && OpenAiUsageReader.TryRead(response, out var usage, out _))
            {
                Usage = usage;
            }
            if (type.SequenceEqual("response.failed"u8))
            {
                // The client already has the upstream's own failure event; the ledger notes it.
                _streamError = new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream reported a failed response inside the stream.");
            }
        }
        else if (type.SequenceEqual("error"u8))
        {
            _streamError = new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream reported an error inside the stream.");
        }
        return true;
    }

    /// <summary>An error after the start continues the upstream's numbering, as every Responses event carries its place.</summary>
    public void WriteError(ClientProtocol protocol, IBufferWriter<byte> output, GatewayError error) =>
        ResponsesProtocol.WriteErrorEvent(output, error, _lastSequence + 1);

    public GatewayError? Complete(IBufferWriter<byte> output) =>
        _streamError ?? (_finished ? null : new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed."));

    /// <summary>
    /// The event's <c>type</c> (for upstreams that send no <c>event:</c> line) and <c>sequence_number</c>, read from
    /// its top-level fields only.
    /// </summary>
    private static ReadOnlySpan<byte> Scan(ReadOnlySpan<byte> data, out long? sequence)
    {
        sequence = null;
        ReadOnlySpan<byte> type = default;
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                var isSequence = !isType && reader.ValueTextEquals("sequence_number"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    type = reader.ValueSpan;
                }
                else if (isSequence && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number))
                {
                    sequence = number;
                }
                reader.Skip();
                if (type.Length > 0 && sequence is not null)
                {
                    break;
                }
            }
        }
        catch (JsonException)
        {
        }
        return type;
    }
}
