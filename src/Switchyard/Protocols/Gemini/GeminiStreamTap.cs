using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;
using Switchyard.Wire;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Taps a Gemini stream passing through: each chunk's usageMetadata is cumulative and replaces the last; the stream
/// is complete once a chunk carried a finishReason (Gemini sends no end event). The upstream always streams SSE; for
/// a client that called without <c>alt=sse</c> each chunk's JSON becomes the next element of one array.
/// </summary>
internal sealed class GeminiStreamTap(bool jsonArray = false) : IStreamTap
{
    private GeminiUsageReader.Fields _usage;
    private bool _finished;
    private bool _opened;
    private GatewayError? _streamError;

    public TokenUsage Usage => _usage.ToUsage();

    public bool Finished => _finished && _streamError is null;

    public ReadOnlySpan<byte> FrameEnd => "\r\n\r\n"u8;

    public bool OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (GeminiUsageReader.TryRead(data, out var usage))
        {
            _usage = usage;
        }
        if (data.IndexOf("\"finishReason\""u8) >= 0)
        {
            _finished = true;
        }
        else if (data.IndexOf("\"error\""u8) >= 0 && IsErrorChunk(data))
        {
            // The client already has the upstream's own error chunk; the ledger notes the failure.
            _streamError = new GatewayError(GatewayErrorKind.UpstreamError, 502, "The upstream reported an error inside the stream.");
        }
        return true;
    }

    private static bool IsErrorChunk(ReadOnlySpan<byte> data)
    {
        try
        {
            using var document = JsonDocument.Parse(data.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public void Relay(ReadOnlySequence<byte> frame, ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (!jsonArray)
        {
            foreach (var segment in frame)
            {
                output.Write(segment.Span);
            }
            output.Write(FrameEnd);
            return;
        }
        output.Write(_opened ? ",\r\n"u8 : "["u8);
        _opened = true;
        output.Write(data);
    }

    public void WriteError(ClientProtocol protocol, IBufferWriter<byte> output, GatewayError error)
    {
        if (!jsonArray)
        {
            protocol.WriteStreamError(output, error);
            return;
        }
        output.Write(_opened ? ",\r\n"u8 : "["u8);
        _opened = true;
        GeminiErrors.Write(output, error);
        output.Write("]"u8);
    }

    public GatewayError? Complete(IBufferWriter<byte> output)
    {
        var error = _streamError ?? (_finished ? null : new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed."));
        // A broken stream is closed by WriteError with its error element; a finished one (or one whose own error
        // chunk went through) ends its array here.
        if (jsonArray && _opened && (error is null || error.Kind == GatewayErrorKind.UpstreamError))
        {
            output.Write("]"u8);
        }
        return error;
    }
}
