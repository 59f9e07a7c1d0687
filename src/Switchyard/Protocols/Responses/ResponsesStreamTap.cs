using System.Buffers;
using System.Text.Json;
using Switchyard.Billing;
using Switchyard.Protocols.OpenAi;
using Switchyard.Relay;

namespace Switchyard.Protocols.Responses;

/// <summary>
/// Taps a Responses stream passing through unchanged: usage from the final response.completed (or
/// response.incomplete / response.failed) event's Response; the stream is whole only once one of those arrived.
/// </summary>
public sealed class ResponsesStreamTap : IStreamTap
{
    private bool _finished;
    private RelayError? _streamError;
    private long _lastSequence = -1;

    public TokenUsage Usage { get; private set; }

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
            if (ResponseOf(data) is { Length: > 0 } response && OpenAiUsageReader.TryRead(response, out var usage, out _))
            {
                Usage = usage;
            }
            if (type.SequenceEqual("response.failed"u8))
            {
                // The client already has the upstream's own failure event; the ledger notes it.
                _streamError = new RelayError(RelayErrorKind.UpstreamError, 502, "The upstream reported a failed response inside the stream.");
            }
        }
        else if (type.SequenceEqual("error"u8))
        {
            _streamError = new RelayError(RelayErrorKind.UpstreamError, 502, "The upstream reported an error inside the stream.");
        }
        return true;
    }

    /// <summary>An error after the start continues the upstream's numbering, as every Responses event carries its place.</summary>
    public void WriteError(ClientProtocol protocol, IBufferWriter<byte> output, RelayError error) =>
        ResponsesProtocol.WriteErrorEvent(output, error, _lastSequence + 1);

    public RelayError? Complete(IBufferWriter<byte> output) =>
        _streamError ?? (_finished ? null : new RelayError(RelayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed."));

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

    /// <summary>The raw bytes of the event's <c>response</c> object.</summary>
    public static ReadOnlySpan<byte> ResponseOf(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isResponse = reader.ValueTextEquals("response"u8);
                reader.Read();
                if (isResponse && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    return data[start..(int)reader.BytesConsumed];
                }
                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }
        return default;
    }
}
