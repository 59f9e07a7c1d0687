using System.Buffers;
using System.Text.Json;
using Switchyard.Contracts;

namespace Switchyard.Protocols;

/// <summary>
/// The few fields of a client's request body the relay needs (model, stream, usage option), read once with a
/// JsonDocument (no reflection). On the fast path the body itself is forwarded with only the model (and, for
/// OpenAI streams, the usage option) spliced in.
/// </summary>
public sealed class RequestEnvelope : IDisposable
{
    /// <summary>The longest model name a client may send (UTF-8 bytes); no served model comes near it.</summary>
    public const int MaxModelBytes = 256;

    private readonly JsonDocument _document;

    private readonly ReadOnlyMemory<byte> _body;
    private readonly bool _hasStreamOptions;

    private RequestEnvelope(ReadOnlyMemory<byte> body, JsonDocument document, string model, bool stream, bool includeUsage, long? maxOutputTokens)
    {
        _body = body;
        _document = document;
        _hasStreamOptions = document.RootElement.TryGetProperty("stream_options", out _);
        Model = model;
        Stream = stream;
        ClientWantsUsage = includeUsage;
        MaxOutputTokens = maxOutputTokens;
    }

    public string Model { get; }
    public bool Stream { get; }

    /// <summary>The client set <c>stream_options.include_usage</c>; the usage chunk is passed on only then.</summary>
    public bool ClientWantsUsage { get; }

    public long? MaxOutputTokens { get; }

    public JsonElement Root => _document.RootElement;

    /// <param name="requiredArray">A top-level array the endpoint needs (messages for chat), or null.</param>
    public static RequestEnvelope? Parse(ReadOnlyMemory<byte> body, string? requiredArray, string? requiredInput, out GatewayError? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            error = new GatewayError(GatewayErrorKind.MalformedJson, 400,
                $"We could not parse the JSON body of your request: {e.Message} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
            return null;
        }
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, "The request body must be a JSON object.");
            return null;
        }
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || model.GetString() is not { Length: > 0 } modelName)
        {
            document.Dispose();
            error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, "You must provide a model parameter (a non-empty string).") { Param = "model" };
            return null;
        }
        if (requiredArray is not null && (!root.TryGetProperty(requiredArray, out var array) || array.ValueKind != JsonValueKind.Array))
        {
            document.Dispose();
            error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, $"'{requiredArray}' is a required property and must be an array.") { Param = requiredArray };
            return null;
        }
        if (requiredInput is not null && !root.TryGetProperty(requiredInput, out _))
        {
            document.Dispose();
            error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, $"'{requiredInput}' is a required property.") { Param = requiredInput };
            return null;
        }
        var stream = false;
        if (root.TryGetProperty("stream", out var streamElement))
        {
            if (streamElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            {
                document.Dispose();
                error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, "'stream' must be a boolean.") { Param = "stream" };
                return null;
            }
            stream = streamElement.ValueKind == JsonValueKind.True;
        }
        var includeUsage = root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
        long? maxTokens = null;
        foreach (var name in (ReadOnlySpan<string>)["max_completion_tokens", "max_tokens", "max_output_tokens"])
        {
            if (root.TryGetProperty(name, out var max) && max.ValueKind == JsonValueKind.Number && max.TryGetInt64(out var value))
            {
                maxTokens = value;
                break;
            }
        }
        return new RequestEnvelope(body, document, modelName, stream, includeUsage, maxTokens);
    }

    /// <summary>
    /// For protocols that name the model and the streaming choice in the URL (Gemini's
    /// <c>models/{model}:streamGenerateContent</c>): the body must be an object holding <paramref name="requiredArray"/>;
    /// the output limit is <c>generationConfig.maxOutputTokens</c>.
    /// </summary>
    public static RequestEnvelope? ParseWithPathModel(ReadOnlyMemory<byte> body, string model, bool stream, string? requiredArray, string missingMessage, out GatewayError? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            error = new GatewayError(GatewayErrorKind.MalformedJson, 400,
                $"Invalid JSON payload received. {e.Message} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
            return null;
        }
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || requiredArray is not null && (!root.TryGetProperty(requiredArray, out var array) || array.ValueKind != JsonValueKind.Array))
        {
            document.Dispose();
            error = new GatewayError(GatewayErrorKind.InvalidRequest, 400, missingMessage) { Param = requiredArray ?? "body" };
            return null;
        }
        long? maxTokens = root.TryGetProperty("generationConfig", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("maxOutputTokens", out var max) && max.ValueKind == JsonValueKind.Number && max.TryGetInt64(out var value) ? value : null;
        return new RequestEnvelope(body, document, model, stream, includeUsage: true, maxTokens);
    }

    /// <summary>
    /// Writes the body for the upstream: the upstream model name, and for streams
    /// <c>stream_options.include_usage: true</c> so every stream can be billed from real usage.
    /// </summary>
    public ReadOnlyMemory<byte> Body => _body;

    /// <param name="askForStreamUsage">Set <c>stream_options.include_usage</c> on streams (OpenAI upstreams).</param>
    public void WriteUpstreamBody(IBufferWriter<byte> output, string upstreamModel, bool askForStreamUsage = true)
    {
        var body = _body.Span;
        // Common case: splice the bytes so every other field reaches the upstream exactly as the client wrote it.
        if (!askForStreamUsage || !Stream || ClientWantsUsage)
        {
            if (JsonSplice.ReplaceString(body, "model"u8, upstreamModel, output))
            {
                return;
            }
        }
        else if (!_hasStreamOptions)
        {
            var withModel = new ArrayBufferWriter<byte>(body.Length + 64);
            if (JsonSplice.ReplaceString(body, "model"u8, upstreamModel, withModel))
            {
                JsonSplice.InsertFirst(withModel.WrittenSpan, "\"stream_options\":{\"include_usage\":true}"u8, output);
                return;
            }
        }
        Rewrite(output, upstreamModel);
    }

    /// <summary>Re-serialises the body: only when stream_options must be merged with the client's own.</summary>
    private void Rewrite(IBufferWriter<byte> output, string upstreamModel)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        var wroteStreamOptions = false;
        foreach (var property in _document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("model"u8))
            {
                writer.WriteString("model"u8, upstreamModel);
            }
            else if (Stream && property.NameEquals("stream_options"u8))
            {
                WriteStreamOptions(writer, property.Value);
                wroteStreamOptions = true;
            }
            else
            {
                property.WriteTo(writer);
            }
        }
        if (Stream && !wroteStreamOptions)
        {
            WriteStreamOptions(writer, default);
        }
        writer.WriteEndObject();
    }

    private static void WriteStreamOptions(Utf8JsonWriter writer, JsonElement existing)
    {
        writer.WriteStartObject("stream_options"u8);
        if (existing.ValueKind == JsonValueKind.Object)
        {
            foreach (var option in existing.EnumerateObject())
            {
                if (!option.NameEquals("include_usage"u8))
                {
                    option.WriteTo(writer);
                }
            }
        }
        writer.WriteBoolean("include_usage"u8, true);
        writer.WriteEndObject();
    }

    public void Dispose() => _document.Dispose();
}
