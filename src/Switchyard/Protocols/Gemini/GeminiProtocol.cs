using System.Buffers;
using Microsoft.AspNetCore.Http;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Gemini's <c>POST /v1beta/models/{model}:generateContent</c> and <c>:streamGenerateContent</c> as clients speak them:
/// the stream as SSE with <c>?alt=sse</c> (Google's SDKs), else as one JSON array written element by element (REST
/// callers).
/// </summary>
/// <param name="jsonArray">Stream as Google does without <c>alt=sse</c>: <c>[{…},\r\n{…}]</c>. Upstream it is SSE either way.</param>
public sealed class GeminiProtocol(IClientCodec codec, bool stream, bool jsonArray = false) : GeminiClientProtocol
{
    public const string MissingContents = "* GenerateContentRequest.contents: contents is not specified";

    public override string Endpoint => "gemini.generate_content";
    public override string? RequiredArray => "contents";
    public override IClientCodec? Codec => codec;

    public override RequestEnvelope? ReadEnvelope(HttpRequest request, ReadOnlyMemory<byte> body, out GatewayError? error) =>
        RequestEnvelope.ParseWithPathModel(body, PathModel(request), stream, "contents", MissingContents, out error);

    public override string UpstreamPathFor(RequestEnvelope request, string upstreamModel) => UpstreamPaths.Gemini(upstreamModel, stream);

    /// <summary>Without <c>alt=sse</c> Google wraps even an error answer in the stream's array.</summary>
    public override void WriteError(IBufferWriter<byte> output, GatewayError error)
    {
        if (!jsonArray)
        {
            GeminiErrors.Write(output, error);
            return;
        }
        output.Write("["u8);
        GeminiErrors.Write(output, error);
        output.Write("]"u8);
    }

    public override void WritePassedError(IBufferWriter<byte> output, ReadOnlySpan<byte> upstreamBody)
    {
        // The upstream was asked for SSE, whose errors are bare objects.
        var wrap = jsonArray && upstreamBody.TrimStart(" \t\r\n"u8).IndexOf((byte)'[') != 0;
        if (wrap)
        {
            output.Write("["u8);
        }
        output.Write(upstreamBody);
        if (wrap)
        {
            output.Write("]"u8);
        }
    }

    public override string StreamContentType => jsonArray ? "application/json; charset=UTF-8" : base.StreamContentType;

    public override IClientStreamWriter CreateStreamWriter(IClientCodec codec, ChatRequest request) => new GeminiStreamWriter(jsonArray);

    public override IStreamTap CreateStreamTap(RequestEnvelope request) => new GeminiStreamTap(jsonArray);
}
