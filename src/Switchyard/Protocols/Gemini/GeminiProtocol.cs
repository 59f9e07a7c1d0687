using System.Buffers;
using Microsoft.AspNetCore.Http;
using Switchyard.Billing;
using Switchyard.Protocols.Canonical;
using Switchyard.Providers.Gemini;
using Switchyard.Relay;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Gemini's <c>POST /v1beta/models/{model}:generateContent</c> and <c>:streamGenerateContent</c> as clients speak them:
/// the stream as SSE with <c>?alt=sse</c> (Google's SDKs), else as one JSON array written element by element (REST
/// callers). The model and the method are in the URL's last segment (captured as the route value <c>target</c>); the
/// key comes in <c>x-goog-api-key</c> (Google's SDKs), <c>?key=</c> (REST examples) or as a Bearer token.
/// </summary>
/// <param name="jsonArray">Stream as Google does without <c>alt=sse</c>: <c>[{…},\r\n{…}]</c>. Upstream it is SSE either way.</param>
public sealed class GeminiProtocol(IClientCodec codec, bool stream, bool jsonArray = false) : ClientProtocol
{
    public const string TargetRouteValue = "target";
    public const string MissingContents = "* GenerateContentRequest.contents: contents is not specified";

    public override string Endpoint => "gemini.generate_content";
    public override string Family => "gemini";
    public override string? RequiredArray => "contents";
    public override IClientCodec? Codec => codec;
    public override string UpstreamPath => "";

    /// <summary>Splits <c>gemini-2.5-flash:generateContent</c> at its last colon.</summary>
    public static (string Model, string Method) SplitTarget(string target)
    {
        var colon = target.LastIndexOf(':');
        return colon > 0 ? (target[..colon], target[(colon + 1)..]) : (target, "");
    }

    public override RequestEnvelope? ReadEnvelope(HttpRequest request, ReadOnlyMemory<byte> body, out RelayError? error)
    {
        var (model, _) = SplitTarget(request.RouteValues[TargetRouteValue] as string ?? "");
        return RequestEnvelope.ParseWithPathModel(body, model, stream, "contents", MissingContents, out error);
    }

    public override string UpstreamPathFor(RequestEnvelope request, string upstreamModel) => GeminiProvider.Path(upstreamModel, stream);

    public override ReadOnlySpan<char> ApiKey(HttpRequest request)
    {
        var header = request.Headers["x-goog-api-key"];
        if (header.Count > 0 && header[0] is { Length: > 0 } key)
        {
            return key.AsSpan().Trim();
        }
        var query = request.Query["key"];
        return query.Count > 0 && query[0] is { Length: > 0 } queryKey ? queryKey.AsSpan().Trim() : KeyAuthentication.BearerToken(request);
    }

    /// <summary>Without <c>alt=sse</c> Google wraps even an error answer in the stream's array.</summary>
    public override void WriteError(IBufferWriter<byte> output, RelayError error)
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

    /// <summary>Google reports a failure inside a stream as a chunk holding only the error envelope.</summary>
    public override void WriteStreamError(IBufferWriter<byte> output, RelayError error)
    {
        output.Write("data: "u8);
        GeminiErrors.Write(output, error);
        output.Write("\r\n\r\n"u8);
    }

    /// <summary>A Gemini body names no model: it goes upstream byte for byte.</summary>
    public override void WriteUpstreamBody(RequestEnvelope request, string upstreamModel, IBufferWriter<byte> output) => output.Write(request.Body.Span);

    public override void AddUpstreamHeaders(HttpRequestMessage message, HttpRequest client, string? apiKey)
    {
        if (apiKey is not null)
        {
            message.Headers.TryAddWithoutValidation("x-goog-api-key", apiKey);
        }
    }

    public override bool TryReadUsage(ReadOnlySpan<byte> responseBody, out TokenUsage usage)
    {
        var found = GeminiUsageReader.TryRead(responseBody, out var fields);
        usage = fields.ToUsage();
        return found;
    }

    public override bool IsOwnErrorShape(ReadOnlySpan<byte> body) => GeminiErrors.Matches(body);

    public override IStreamTap CreateStreamTap(RequestEnvelope request) => new GeminiStreamTap(jsonArray);
}
