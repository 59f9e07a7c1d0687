using System.Buffers.Binary;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// <c>POST /v1/embeddings</c>: a deterministic unit-length vector per input, the same whether sent as
/// floats or as base64 of little-endian float32 (the OpenAI SDKs ask for base64 by default).
/// </summary>
internal sealed class EmbeddingsEndpoint(MockPipeline pipeline)
{
    public const int DefaultDimensions = 8;
    public const int MaxDimensions = 4096;

    // Bounds stackalloc; larger vectors go to an array.
    private const int StackDimensions = 256;

    public async Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives)
    {
        using var buffer = new PooledBufferWriter();
        string model;
        try
        {
            using var document = JsonDocument.Parse(body);
            var error = Read(document.RootElement, directives, out model, out var inputs, out var dimensions, out var base64);
            if (error is not null)
            {
                await OpenAiErrors.InvalidRequestAsync(context, error.Message, error.Param, error.Code);
                return;
            }

            // The body is built while the document is alive so inputs stay JsonElements, not copies.
            using var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions);
            WriteResponse(json, model, inputs, dimensions, base64);
        }
        catch (JsonException)
        {
            await OpenAiErrors.InvalidJsonAsync(context);
            return;
        }

        if (!await pipeline.BeforeResponseAsync(context, directives, model))
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await buffer.CopyToResponseAsync(context.Response, context.RequestAborted);
    }

    /// <summary>The vector for <paramref name="text"/>, written into <paramref name="vector"/> (its length is the dimension count).</summary>
    public static void Compute(ReadOnlySpan<char> text, Span<float> vector)
    {
        // FNV-1a seeds SplitMix64, so every dimension count yields a prefix of the same sequence, renormalised,
        // the way OpenAI's shortened embeddings behave.
        var state = 14695981039346656037UL;
        foreach (var c in text)
        {
            state = (state ^ c) * 1099511628211UL;
        }

        var sumOfSquares = 0.0;
        for (var i = 0; i < vector.Length; i++)
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            var value = ((z >> 40) / (double)(1UL << 24) * 2.0) - 1.0;
            vector[i] = (float)value;
            sumOfSquares += value * value;
        }

        var norm = Math.Sqrt(sumOfSquares);
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = norm > 0 ? (float)(vector[i] / norm) : (i == 0 ? 1f : 0f);
        }
    }

    private static RequestError? Read(JsonElement root, MockDirectives directives, out string model, out JsonElement inputs, out int dimensions, out bool base64)
    {
        model = string.Empty;
        inputs = default;
        dimensions = DefaultDimensions;
        base64 = false;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new RequestError("Invalid type for request body: expected an object.", null, "invalid_type");
        }

        if (!root.TryGetProperty("model", out var modelElement) || modelElement.ValueKind != JsonValueKind.String || modelElement.GetString() is not { Length: > 0 } name)
        {
            return new RequestError("you must provide a model parameter");
        }

        model = name;
        if (!root.TryGetProperty("input", out inputs))
        {
            return new RequestError("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }

        if (!IsValidInput(inputs))
        {
            return new RequestError("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", "input", "invalid_value");
        }

        if (root.TryGetProperty("encoding_format", out var format) && format.ValueKind != JsonValueKind.Null)
        {
            if (format.ValueEquals("base64"u8))
            {
                base64 = true;
            }
            else if (!format.ValueEquals("float"u8))
            {
                return new RequestError("Invalid value for 'encoding_format': expected 'float' or 'base64'.", "encoding_format", "invalid_value");
            }
        }

        if (root.TryGetProperty("dimensions", out var dims) && dims.ValueKind != JsonValueKind.Null)
        {
            if (!dims.TryGetInt32(out dimensions) || dimensions < 1 || dimensions > MaxDimensions)
            {
                return new RequestError($"Invalid 'dimensions': expected an integer between 1 and {MaxDimensions}.", "dimensions", "invalid_value");
            }
        }

        if (inputs.ValueKind == JsonValueKind.String)
        {
            directives.ScanText(inputs.GetString()!);
        }
        else
        {
            foreach (var item in inputs.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String)
                {
                    directives.ScanText(item.GetString()!);
                }
            }
        }

        return null;
    }

    // A string, an array of strings, an array of token ids, or an array of token-id arrays; never empty.
    private static bool IsValidInput(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            return true;
        }

        if (input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
        {
            return false;
        }

        var first = input[0].ValueKind;
        foreach (var item in input.EnumerateArray())
        {
            var valid = item.ValueKind switch
            {
                JsonValueKind.String => first == JsonValueKind.String,
                JsonValueKind.Number => first == JsonValueKind.Number,
                JsonValueKind.Array => first == JsonValueKind.Array && item.GetArrayLength() > 0,
                _ => false,
            };
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteResponse(Utf8JsonWriter json, string model, JsonElement inputs, int dimensions, bool base64)
    {
        json.WriteStartObject();
        json.WriteString("object"u8, "list"u8);
        json.WriteStartArray("data"u8);
        var promptTokens = 0;
        if (inputs.ValueKind == JsonValueKind.String || inputs[0].ValueKind == JsonValueKind.Number)
        {
            // A single string and a single token-id array are both one input.
            promptTokens += WriteEmbedding(json, 0, inputs, dimensions, base64);
        }
        else
        {
            var index = 0;
            foreach (var item in inputs.EnumerateArray())
            {
                promptTokens += WriteEmbedding(json, index++, item, dimensions, base64);
            }
        }

        json.WriteEndArray();
        json.WriteString("model"u8, model);
        json.WriteStartObject("usage"u8);
        json.WriteNumber("prompt_tokens"u8, promptTokens);
        json.WriteNumber("total_tokens"u8, promptTokens);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Writes one embedding object and returns its token count.</summary>
    private static int WriteEmbedding(Utf8JsonWriter json, int index, JsonElement input, int dimensions, bool base64)
    {
        // Token ids hash as their decimal text joined by spaces, so an id array counts one token per id.
        var text = input.ValueKind == JsonValueKind.String ? input.GetString()! : JoinTokenIds(input);
        Span<float> vector = dimensions <= StackDimensions ? stackalloc float[dimensions] : new float[dimensions];
        Compute(text, vector);

        json.WriteStartObject();
        json.WriteString("object"u8, "embedding"u8);
        json.WriteNumber("index"u8, index);
        if (base64)
        {
            var bytes = dimensions <= StackDimensions ? stackalloc byte[dimensions * sizeof(float)] : new byte[dimensions * sizeof(float)];
            for (var i = 0; i < vector.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes[(i * sizeof(float))..], vector[i]);
            }

            json.WriteBase64String("embedding"u8, bytes);
        }
        else
        {
            json.WriteStartArray("embedding"u8);
            foreach (var value in vector)
            {
                json.WriteNumberValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        return MockTokens.Count(text);
    }

    private static string JoinTokenIds(JsonElement ids)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var id in ids.EnumerateArray())
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(id.GetRawText());
        }

        return builder.ToString();
    }
}
