using System.Buffers;
using Microsoft.AspNetCore.Http;
using Switchyard.Configuration;
using Switchyard.Contracts;
using Switchyard.Wire;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// What every Gemini method under <c>/v1beta/models/{model}:METHOD</c> shares: the model and the method are in the
/// URL's last segment (captured as the route value <c>target</c>); the key comes in <c>x-goog-api-key</c> (Google's
/// SDKs), <c>?key=</c> (REST examples) or as a Bearer token; errors are Google's envelope; a Gemini channel gets the
/// body byte for byte, since it names no model.
/// </summary>
public abstract class GeminiClientProtocol : ClientProtocol
{
    public const string TargetRouteValue = "target";

    public override ChannelFamily Family => ChannelFamily.Gemini;
    public override string UpstreamPath => "";

    /// <summary>Splits <c>gemini-2.5-flash:generateContent</c> at its last colon.</summary>
    public static (string Model, string Method) SplitTarget(string target)
    {
        var colon = target.LastIndexOf(':');
        return colon > 0 ? (target[..colon], target[(colon + 1)..]) : (target, "");
    }

    protected static string PathModel(HttpRequest request) => SplitTarget(request.RouteValues[TargetRouteValue] as string ?? "").Model;

    public override ReadOnlySpan<char> ApiKey(HttpRequest request)
    {
        var header = request.Headers["x-goog-api-key"];
        if (header.Count > 0 && header[0] is { Length: > 0 } key)
        {
            return key.AsSpan().Trim();
        }
        var query = request.Query["key"];
        return query.Count > 0 && query[0] is { Length: > 0 } queryKey ? queryKey.AsSpan().Trim() : BearerToken(request);
    }

    public override void WriteError(IBufferWriter<byte> output, GatewayError error) => GeminiErrors.Write(output, error);

    /// <summary>Google reports a failure inside a stream as a chunk holding only the error envelope.</summary>
    public override void WriteStreamError(IBufferWriter<byte> output, GatewayError error)
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

    public override IStreamTap CreateStreamTap(RequestEnvelope request) => new GeminiStreamTap();
}
