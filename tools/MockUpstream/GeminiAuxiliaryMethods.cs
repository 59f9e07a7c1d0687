using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// Gemini's <c>:countTokens</c> (<c>contents</c>, or a whole <c>generateContentRequest</c> →
/// <c>{"totalTokens", "promptTokensDetails"}</c>, by the mock's token rule), <c>:embedContent</c>
/// (<c>{"embedding":{"values"}}</c>) and <c>:batchEmbedContents</c> (<c>{"embeddings":[{"values"}…]}</c>, every
/// request naming the URL's model as <c>models/{model}</c>, else 400). Vectors are the OpenAI embeddings' for the
/// joined text of the content's parts; <c>outputDimensionality</c> defaults to 8. Like Google, embeddings report no usage.
/// </summary>
internal static class GeminiAuxiliaryMethods
{
    private const int DefaultDimensions = 8;

    public static async Task CountTokensAsync(HttpContext context, MockPipeline pipeline, JsonElement root, MockDirectives directives, string model)
    {
        var request = root;
        if (!root.TryGetProperty("contents", out _) && root.TryGetProperty("generateContentRequest", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object)
        {
            request = wrapped;
        }

        if (GeminiRequest.TryRead(request, directives, out var read) is { } error)
        {
            await GeminiErrors.InvalidArgumentAsync(context, error);
            return;
        }

        if (!await pipeline.BeforeResponseAsync(context, directives, model, MockDialect.Gemini))
        {
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("totalTokens"u8, read.Prompt.PromptTokens);
            json.WriteStartArray("promptTokensDetails"u8);
            json.WriteStartObject();
            json.WriteString("modality"u8, "TEXT"u8);
            json.WriteNumber("tokenCount"u8, read.Prompt.PromptTokens);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        await pipeline.WriteBodyAsync(context, buffer, directives, "application/json; charset=UTF-8");
    }

    public static async Task EmbedAsync(HttpContext context, MockPipeline pipeline, JsonElement root, MockDirectives directives, string model, bool batch)
    {
        List<JsonElement> requests;
        if (batch)
        {
            if (!root.TryGetProperty("requests", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                await GeminiErrors.InvalidArgumentAsync(context, "* BatchEmbedContentsRequest.requests: requests is not specified\n");
                return;
            }

            requests = [.. list.EnumerateArray()];
            if (requests.Any(r => MockJson.String(r, "model") != "models/" + model))
            {
                await GeminiErrors.InvalidArgumentAsync(context, $"Model names in requests must match the model in the URL: models/{model}.");
                return;
            }
        }
        else
        {
            requests = [root];
        }

        foreach (var request in requests)
        {
            if (!request.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Object)
            {
                await GeminiErrors.InvalidArgumentAsync(context, "* EmbedContentRequest.content: content is not specified\n");
                return;
            }
        }

        if (!await pipeline.BeforeResponseAsync(context, directives, model, MockDialect.Gemini))
        {
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            json.WriteStartObject();
            if (batch)
            {
                json.WriteStartArray("embeddings"u8);
                foreach (var request in requests)
                {
                    WriteEmbedding(json, request);
                }

                json.WriteEndArray();
            }
            else
            {
                json.WritePropertyName("embedding"u8);
                WriteEmbedding(json, root);
            }

            json.WriteEndObject();
        }

        await pipeline.WriteBodyAsync(context, buffer, directives, "application/json; charset=UTF-8");
    }

    private static void WriteEmbedding(Utf8JsonWriter json, JsonElement request)
    {
        var texts = new List<string>();
        if (request.GetProperty("content").TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array)
        {
            texts.AddRange(parts.EnumerateArray().Select(p => MockJson.String(p, "text")).OfType<string>());
        }

        var dimensions = request.TryGetProperty("outputDimensionality", out var wanted) && wanted.TryGetInt32(out var count) && count is > 0 and <= 4096
            ? count
            : DefaultDimensions;
        var vector = new float[dimensions];
        EmbeddingsEndpoint.Compute(string.Join("\n", texts), vector);
        json.WriteStartObject();
        json.WriteStartArray("values"u8);
        foreach (var value in vector)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
