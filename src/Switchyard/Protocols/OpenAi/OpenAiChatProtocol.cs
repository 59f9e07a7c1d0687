using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Wire;

namespace Switchyard.Protocols.OpenAi;

/// <summary>OpenAI Chat Completions (and, without streaming, Embeddings) as clients speak it.</summary>
public sealed class OpenAiChatProtocol(string endpoint, string upstreamPath, string? requiredArray, string? requiredField, bool canStream, IClientCodec? codec)
    : ClientProtocol
{
    public override string Endpoint => endpoint;
    public override ChannelFamily Family => ChannelFamily.OpenAi;
    public override string? RequiredArray => requiredArray;
    public override string? RequiredField => requiredField;
    public override bool CanStream => canStream;
    public override IClientCodec? Codec => codec;
    public override string UpstreamPath => upstreamPath;

    /// <summary>A channel that speaks only the Responses API gets chat completions converted to it.</summary>
    public override bool IsNative(Configuration.ChannelConfig channel) => channel.Family == Family && !channel.ResponsesOnly;

    public override ReadOnlySpan<char> ApiKey(HttpRequest request) => BearerToken(request);

    public override void WriteError(IBufferWriter<byte> output, GatewayError error)
    {
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        OpenAiErrors.WriteBody(writer, error);
    }

    public override void WriteStreamError(IBufferWriter<byte> output, GatewayError error)
    {
        output.Write("data: "u8);
        WriteError(output, error);
        output.Write("\n\n"u8);
    }

    public override void WriteUpstreamBody(RequestEnvelope request, string upstreamModel, IBufferWriter<byte> output) =>
        request.WriteUpstreamBody(output, upstreamModel, askForStreamUsage: true);

    public override void AddUpstreamHeaders(HttpRequestMessage message, HttpRequest client, string? apiKey)
    {
        if (apiKey is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + apiKey);
        }
    }

    public override bool TryReadUsage(ReadOnlySpan<byte> responseBody, out TokenUsage usage) =>
        OpenAiUsageReader.TryRead(responseBody, out usage, out _);

    public override bool IsOwnErrorShape(ReadOnlySpan<byte> body) => OpenAiErrors.IsOpenAiErrorBody(body);

    public override IStreamTap CreateStreamTap(RequestEnvelope request) => new OpenAiStreamTap(request.ClientWantsUsage);
}

/// <summary>
/// Taps an OpenAI chat stream: usage from the usage chunk (dropped if the client did not ask for it, since the
/// gateway asked on its behalf), exactly one <c>[DONE]</c>, and a check that the stream really finished.
/// </summary>
internal sealed class OpenAiStreamTap(bool clientWantsUsage) : IStreamTap
{
    private bool _sawDone;
    private bool _sawFinish;

    public TokenUsage Usage { get; private set; }

    public bool Finished => _sawDone;

    public bool OnFrame(ReadOnlySpan<byte> eventName, ReadOnlySpan<byte> data)
    {
        if (SseFrame.IsDone(data))
        {
            var first = !_sawDone;
            _sawDone = true;
            return first;
        }
        if (OpenAiUsageReader.MayContainUsage(data) && OpenAiUsageReader.TryRead(data, out var usage, out var hasChoices))
        {
            Usage = usage;
            if (!hasChoices && !clientWantsUsage)
            {
                return false;
            }
        }
        if (!_sawFinish && data.IndexOf("\"finish_reason\":\""u8) >= 0)
        {
            _sawFinish = true;
        }
        return true;
    }

    public GatewayError? Complete(IBufferWriter<byte> output)
    {
        if (_sawDone)
        {
            return null;
        }
        if (!_sawFinish)
        {
            return new GatewayError(GatewayErrorKind.UpstreamStreamBroken, 502, "The upstream stream broke before it completed.");
        }
        // Some OpenAI-compatible upstreams end without [DONE]; clients that wait for it would hang.
        output.Write("data: [DONE]\n\n"u8);
        return null;
    }
}
