using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Billing;
using Switchyard.Contracts;
using Switchyard.Contracts.Canonical;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Gemini's <c>POST /v1beta/models/{model}:countTokens</c>: the body holds <c>contents</c>, or a whole
/// <c>generateContentRequest</c> (with its system instruction and tools). A Gemini channel counts it itself; any
/// other channel cannot count for a Gemini client, so the gateway estimates the count with its token estimator and
/// answers a CountTokensResponse (<c>totalTokens</c>, <c>promptTokensDetails</c>).
/// </summary>
public sealed class GeminiCountTokensProtocol(IClientCodec codec) : GeminiClientProtocol
{
    public const string Missing = "* CountTokensRequest: either contents or generateContentRequest must be specified";

    public override string Endpoint => "gemini.count_tokens";
    public override string? RequiredArray => null;
    public override bool CanStream => false;
    public override IClientCodec? Codec => codec;

    public override RequestEnvelope? ReadEnvelope(HttpRequest request, ReadOnlyMemory<byte> body, out GatewayError? error)
    {
        var envelope = RequestEnvelope.ParseWithPathModel(body, PathModel(request), stream: false, requiredArray: null, Missing, out error);
        if (envelope is null)
        {
            return null;
        }
        var root = envelope.Root;
        var counted = root.TryGetProperty("contents", out var contents) && contents.ValueKind == JsonValueKind.Array
            || root.TryGetProperty("generateContentRequest", out var inner) && inner.ValueKind == JsonValueKind.Object;
        if (counted)
        {
            return envelope;
        }
        envelope.Dispose();
        error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, Missing) { Param = "contents" };
        return null;
    }

    public override string UpstreamPathFor(RequestEnvelope request, string upstreamModel) => "models/" + Uri.EscapeDataString(upstreamModel) + ":countTokens";

    /// <summary>Counting is free: nothing is billed, whoever counts.</summary>
    public override bool TryReadUsage(ReadOnlySpan<byte> responseBody, out TokenUsage usage)
    {
        usage = default;
        return false;
    }

    public override Action<ChatRequest, IBufferWriter<byte>>? LocalAnswer => WriteCount;

    private static void WriteCount(ChatRequest request, IBufferWriter<byte> output)
    {
        var total = TokenEstimator.Estimate(request);
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("totalTokens", total);
        writer.WriteStartArray("promptTokensDetails");
        writer.WriteStartObject();
        writer.WriteString("modality", "TEXT");
        writer.WriteNumber("tokenCount", total);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
