using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;
using Switchyard.Protocols.OpenAi;
using Switchyard.Wire;

namespace Switchyard.Protocols.Responses;

/// <summary>
/// <c>POST /v1/responses</c>: forwarded byte for byte to <c>openai</c> channels marked <c>responses: true</c>, converted
/// through the canonical model for every other channel.
/// </summary>
public sealed class ResponsesProtocol(IClientCodec codec) : ClientProtocol
{
    public override string Endpoint => "responses";
    public override ChannelFamily Family => ChannelFamily.OpenAi;
    public override string? RequiredArray => null;
    public override IClientCodec? Codec => codec;
    public override string UpstreamPath => "responses";

    public override bool IsNative(Configuration.ChannelConfig channel) => channel.Family == ChannelFamily.OpenAi && channel.Responses;

    public override ReadOnlySpan<char> ApiKey(HttpRequest request) => BearerToken(request);

    public override void WriteError(IBufferWriter<byte> output, GatewayError error) => codec.WriteError(output, error);

    /// <summary>The Responses API's <c>error</c> event (ResponseErrorEvent): type, code, message, param, sequence_number.</summary>
    public override void WriteStreamError(IBufferWriter<byte> output, GatewayError error) => WriteErrorEvent(output, error, sequenceNumber: 0);

    /// <param name="sequenceNumber">The event's place in the stream: one past the last event the client got.</param>
    public static void WriteErrorEvent(IBufferWriter<byte> output, GatewayError error, long sequenceNumber)
    {
        output.Write("event: error\ndata: "u8);
        using (var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions))
        {
            var (_, code) = OpenAiErrors.TypeAndCode(error);
            writer.WriteStartObject();
            writer.WriteString("type", "error");
            writer.WriteString("code", code ?? error.Code ?? "server_error");
            writer.WriteString("message", error.Message);
            if (error.Param is null)
            {
                writer.WriteNull("param");
            }
            else
            {
                writer.WriteString("param", error.Param);
            }
            writer.WriteNumber("sequence_number", sequenceNumber);
            writer.WriteEndObject();
        }
        output.Write("\n\n"u8);
    }

    /// <summary>Only the model is rewritten: a Responses stream always ends with its usage, nothing needs asking for.</summary>
    public override void WriteUpstreamBody(RequestEnvelope request, string upstreamModel, IBufferWriter<byte> output) =>
        request.WriteUpstreamBody(output, upstreamModel, askForStreamUsage: false);

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

    public override IStreamTap CreateStreamTap(RequestEnvelope request) => new ResponsesStreamTap();
}
