using System.Buffers;
using System.Text.Json;
using Switchyard.Billing;
using Switchyard.Relay;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Taps a Gemini stream passing through unchanged: each chunk's usageMetadata is cumulative and replaces the last;
/// the stream is complete once a chunk carried a finishReason (Gemini sends no end event).
/// </summary>
public sealed class GeminiStreamTap : IStreamTap
{
    private GeminiUsageReader.Fields _usage;
    private bool _finished;
    private RelayError? _streamError;

    public TokenUsage Usage => _usage.ToUsage();

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
            _streamError = new RelayError(RelayErrorKind.UpstreamError, 502, "The upstream reported an error inside the stream.");
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

    public RelayError? Complete(IBufferWriter<byte> output) =>
        _streamError ?? (_finished ? null : new RelayError(RelayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed."));
}
