using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Billing;
using Switchyard.Configuration;
using Switchyard.Contracts;
using static Switchyard.Contracts.Canonical.JsonFields;

namespace Switchyard.Protocols.Gemini;

/// <summary>
/// Gemini's <c>:embedContent</c> (<c>{"content":{parts}, "taskType", "title", "outputDimensionality"}</c> →
/// <c>{"embedding":{"values":[…]}}</c>) and <c>:batchEmbedContents</c> (<c>{"requests":[EmbedContentRequest…]}</c> →
/// <c>{"embeddings":[{"values":[…]}…]}</c>, what <c>@google/genai</c>'s <c>embedContent</c> calls). Gemini channels
/// get the body byte for byte; OpenAI channels are sent one <c>/embeddings</c> request with the texts as
/// <c>input</c> and <c>outputDimensionality</c> as <c>dimensions</c>, and billed from its usage. Gemini reports no
/// usage for embeddings, so a Gemini channel's embeddings are billed with the gateway's token estimate of the texts.
/// </summary>
public sealed class GeminiEmbedProtocol(bool batch) : GeminiClientProtocol
{
    public override string Endpoint => batch ? "gemini.batch_embed_contents" : "gemini.embed_content";
    public override string? RequiredArray => batch ? "requests" : null;
    public override bool CanStream => false;
    public override Contracts.Canonical.IClientCodec? Codec => null;

    private string Missing => batch ? "* BatchEmbedContentsRequest.requests: requests is not specified" : "* EmbedContentRequest.content: content is not specified";

    public override RequestEnvelope? ReadEnvelope(HttpRequest request, ReadOnlyMemory<byte> body, out GatewayError? error)
    {
        var envelope = RequestEnvelope.ParseWithPathModel(body, PathModel(request), stream: false, RequiredArray, Missing, out error);
        if (envelope is null)
        {
            return null;
        }
        var requests = Requests(envelope.Root);
        var index = 0;
        foreach (var item in requests)
        {
            var path = batch ? $"requests[{index}]" : "";
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object)
            {
                envelope.Dispose();
                error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, batch ? $"* BatchEmbedContentsRequest.{path}.content: content is not specified" : Missing)
                { Param = batch ? path + ".content" : "content" };
                return null;
            }
            index++;
        }
        if (batch && index == 0)
        {
            envelope.Dispose();
            error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, Missing) { Param = "requests" };
            return null;
        }
        return envelope;
    }

    private List<JsonElement> Requests(JsonElement root) =>
        batch ? [.. root.GetProperty("requests").EnumerateArray()] : [root];

    public override string UpstreamPathFor(RequestEnvelope request, string upstreamModel) =>
        "models/" + Uri.EscapeDataString(upstreamModel) + (batch ? ":batchEmbedContents" : ":embedContent");

    /// <summary>
    /// Byte for byte, except that a batch names its model in every request: when the channel serves the model under
    /// another name, each request is given that name, or Gemini would refuse the mismatch with the URL.
    /// </summary>
    public override void WriteUpstreamBody(RequestEnvelope request, string upstreamModel, IBufferWriter<byte> output)
    {
        var name = "models/" + upstreamModel;
        if (!batch || Requests(request.Root).All(r => Str(r, "model") is null || Str(r, "model") == name))
        {
            output.Write(request.Body.Span);
            return;
        }
        using var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions);
        writer.WriteStartObject();
        foreach (var property in request.Root.EnumerateObject())
        {
            if (!property.NameEquals("requests"))
            {
                property.WriteTo(writer);
                continue;
            }
            writer.WriteStartArray("requests");
            foreach (var item in property.Value.EnumerateArray())
            {
                writer.WriteStartObject();
                writer.WriteString("model", name);
                foreach (var field in item.EnumerateObject().Where(f => !f.NameEquals("model")))
                {
                    field.WriteTo(writer);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    public override TokenUsage? EstimateUsage(RequestEnvelope request) =>
        new TokenUsage(Requests(request.Root).Sum(r => Texts(r.GetProperty("content")).Sum(TokenEstimator.Text)), 0, 0, 0, 0);

    private static IEnumerable<string> Texts(JsonElement content) =>
        content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array
            ? parts.EnumerateArray().Select(p => Str(p, "text")).OfType<string>()
            : [];

    /// <summary>OpenAI-format channels embed the texts at <c>/embeddings</c>; Anthropic has no embeddings.</summary>
    public override BridgedCall? Bridge(RequestEnvelope request, Configuration.ChannelConfig channel, string upstreamModel, out GatewayError? error)
    {
        error = null;
        if (channel.Family != ChannelFamily.OpenAi || channel.ResponsesOnly)
        {
            return null;
        }
        var requests = Requests(request.Root);
        var inputs = new List<string>(requests.Count);
        long? dimensions = null;
        for (var i = 0; i < requests.Count; i++)
        {
            var path = batch ? $"requests[{i}]." : "";
            var content = requests[i].GetProperty("content");
            if (content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array && parts.EnumerateArray().Any(p => Str(p, "text") is null))
            {
                error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, $"{path}content: only text parts can be embedded by the '{channel.Name}' channel.") { Param = path + "content" };
                return null;
            }
            inputs.Add(string.Join("\n", Texts(content)));
            var wanted = Long(requests[i], "outputDimensionality");
            if (i > 0 && wanted != dimensions)
            {
                error = new GatewayError(GatewayErrorKind.InvalidRequest, 400,
                    $"{path}outputDimensionality: every request of a batch must ask for the same outputDimensionality to be served by the '{channel.Name}' channel.")
                { Param = path + "outputDimensionality" };
                return null;
            }
            dimensions = wanted;
        }
        var body = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(body, GatewayJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model", upstreamModel);
            writer.WriteStartArray("input");
            foreach (var input in inputs)
            {
                writer.WriteStringValue(input);
            }
            writer.WriteEndArray();
            writer.WriteString("encoding_format", "float");
            if (dimensions is { } count)
            {
                writer.WriteNumber("dimensions", count);
            }
            writer.WriteEndObject();
        }
        var expected = inputs.Count;
        return new BridgedCall("embeddings", body.WrittenMemory, answer => ReadOpenAiAnswer(answer, expected));
    }

    /// <summary>OpenAI's CreateEmbeddingResponse (float vectors, each with its <c>index</c>) as Gemini's answer.</summary>
    private BridgedAnswer? ReadOpenAiAnswer(ReadOnlyMemory<byte> answer, int expected)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            var root = document.RootElement;
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() != expected)
            {
                return null;
            }
            var vectors = new JsonElement[expected];
            var position = 0;
            foreach (var item in data.EnumerateArray())
            {
                var index = Long(item, "index") is { } at and >= 0 && at < expected ? (int)at : position;
                if (!item.TryGetProperty("embedding", out var embedding) || embedding.ValueKind != JsonValueKind.Array)
                {
                    return null;
                }
                vectors[index] = embedding;
                position++;
            }
            var output = new ArrayBufferWriter<byte>(answer.Length);
            using (var writer = new Utf8JsonWriter(output, GatewayJson.WriterOptions))
            {
                writer.WriteStartObject();
                if (batch)
                {
                    writer.WriteStartArray("embeddings");
                    foreach (var vector in vectors)
                    {
                        WriteEmbedding(writer, vector);
                    }
                    writer.WriteEndArray();
                }
                else
                {
                    writer.WritePropertyName("embedding");
                    WriteEmbedding(writer, vectors[0]);
                }
                writer.WriteEndObject();
            }
            var usage = root.TryGetProperty("usage", out var reported) ? Long(reported, "prompt_tokens") ?? 0 : 0;
            return new BridgedAnswer(output.WrittenMemory, new TokenUsage(usage, 0, 0, 0, 0));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteEmbedding(Utf8JsonWriter writer, JsonElement vector)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("values");
        // The numbers exactly as the upstream wrote them.
        vector.WriteTo(writer);
        writer.WriteEndObject();
    }
}
