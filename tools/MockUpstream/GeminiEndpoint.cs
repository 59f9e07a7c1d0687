using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary>
/// <c>POST /v1beta/models/{model}:generateContent</c> and <c>:streamGenerateContent</c>, the latter as SSE with
/// <c>?alt=sse</c> and as one streamed JSON array without it.
/// </summary>
internal sealed class GeminiEndpoint(MockPipeline pipeline)
{
    private static readonly ReadOnlyMemory<byte> ArrayEnd = "]"u8.ToArray();

    public async Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives)
    {
        // The route captures "MODEL:METHOD"; Google puts the method after a colon in the last path segment.
        var target = context.Request.RouteValues["target"] as string ?? string.Empty;
        var colon = target.LastIndexOf(':');
        var model = colon > 0 ? target[..colon] : target;
        var method = colon > 0 ? target[(colon + 1)..] : string.Empty;
        if (method is "countTokens" or "embedContent" or "batchEmbedContents")
        {
            await AuxiliaryAsync(context, body, directives, model, method);
            return;
        }

        var stream = method == "streamGenerateContent";
        if (!stream && method != "generateContent")
        {
            await GeminiErrors.WriteAsync(context, StatusCodes.Status404NotFound, $"Method not found: {method}", "NOT_FOUND");
            return;
        }

        GeminiRequest request;
        string? error;
        try
        {
            using var document = JsonDocument.Parse(body);
            error = GeminiRequest.TryRead(document.RootElement, directives, out request);
            if (error is null && GeminiSignatures.RequiresSignatures(model))
            {
                error = GeminiSignatures.Check(document.RootElement.GetProperty("contents"));
            }
        }
        catch (JsonException)
        {
            await GeminiErrors.InvalidArgumentAsync(context, "Invalid JSON payload received. Unexpected token.");
            return;
        }

        if (error is not null)
        {
            await GeminiErrors.InvalidArgumentAsync(context, error);
            return;
        }

        if (!await pipeline.BeforeResponseAsync(context, directives, model, MockDialect.Gemini))
        {
            return;
        }

        var outcome = MockOutcome.Decide(request.Prompt, directives);
        var header = new GeminiHeader(MockIds.GeminiResponseId(), model, GeminiSignatures.Signs(model, request.Prompt.WantsThinking));
        if (stream)
        {
            var sse = string.Equals(context.Request.Query["alt"], "sse", StringComparison.Ordinal);
            using var events = new MockEventStream(context, pipeline, directives, sse ? MockFraming.SseCrlf : MockFraming.JsonArray);
            await WriteStreamAsync(events, sse, header, outcome, request.IncludeThoughts, directives.StreamError);
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            GeminiJson.WriteResponse(json, header, outcome, request.IncludeThoughts);
        }

        await pipeline.WriteBodyAsync(context, buffer, directives, "application/json; charset=UTF-8");
    }

    private async Task AuxiliaryAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives, string model, string method)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            await GeminiErrors.InvalidArgumentAsync(context, "Invalid JSON payload received. Unexpected token.");
            return;
        }

        using (document)
        {
            if (method == "countTokens")
            {
                await GeminiAuxiliaryMethods.CountTokensAsync(context, pipeline, document.RootElement, directives, model);
            }
            else
            {
                await GeminiAuxiliaryMethods.EmbedAsync(context, pipeline, document.RootElement, directives, model, batch: method == "batchEmbedContents");
            }
        }
    }

    /// <summary>
    /// One chunk per thought word and per reply word (function calls arrive whole in one chunk); the last chunk
    /// carries finishReason and the full usage, earlier ones the prompt-only usage.
    /// </summary>
    private static async Task WriteStreamAsync(MockEventStream events, bool sse, GeminiHeader header, MockOutcome outcome, bool includeThoughts, string? streamError)
    {
        events.Start(sse ? "text/event-stream" : "application/json; charset=UTF-8");
        var finish = GeminiJson.FinishReason(outcome.Finish);
        var prompt = outcome.Usage.PromptTokens;
        if (includeThoughts && outcome.Thinking is { } thinking && !await WriteWordsAsync(events, header, thinking, thought: true, finish: null, prompt, null))
        {
            return;
        }

        if (outcome.ToolCalls is { } calls)
        {
            if (!await events.BeginAsync())
            {
                return;
            }

            GeminiJson.StartResponse(events.Json);
            for (var i = 0; i < calls.Length; i++)
            {
                GeminiJson.WriteFunctionCallPart(events.Json, calls[i], signed: header.Signs && i == 0);
            }

            GeminiJson.EndResponse(events.Json, header, finish, prompt, outcome.Usage);
            if (!await events.EndAsync())
            {
                return;
            }
        }
        else if (streamError is not null)
        {
            // stream_error=CODE fails the stream after its first chunk, as an overloaded Gemini does mid-answer:
            // a chunk holding only Google's error envelope, then the end of the stream.
            if (await WriteWordsAsync(events, header, (outcome.Text ?? string.Empty)[..ReplyPieces.EndOfWord(outcome.Text ?? string.Empty, 1)], thought: false, finish: null, prompt, null))
            {
                await WriteErrorChunkAsync(events, streamError);
            }

            return;
        }
        else if (!await WriteWordsAsync(events, header, outcome.Text ?? string.Empty, thought: false, finish, prompt, outcome.Usage))
        {
            return;
        }

        await events.CompleteAsync(sse ? ReadOnlyMemory<byte>.Empty : ArrayEnd);
    }

    private static async ValueTask WriteErrorChunkAsync(MockEventStream events, string streamError)
    {
        var status = int.TryParse(streamError, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var code)
            && code is >= 400 and <= 599 ? code : 503;
        if (!await events.BeginAsync())
        {
            return;
        }

        events.Json.WriteStartObject();
        events.Json.WriteStartObject("error"u8);
        events.Json.WriteNumber("code"u8, status);
        events.Json.WriteString("message"u8, status == 503 ? "The model is overloaded. Please try again later." : $"Mock upstream stream error {status}.");
        events.Json.WriteString("status"u8, GeminiErrors.StatusName(status));
        events.Json.WriteEndObject();
        events.Json.WriteEndObject();
        await events.EndAsync();
    }

    /// <summary>Writes <paramref name="text"/> one word per chunk; the last chunk gets <paramref name="finish"/> and <paramref name="usage"/>.</summary>
    private static async ValueTask<bool> WriteWordsAsync(MockEventStream events, GeminiHeader header, string text, bool thought, string? finish, int prompt, MockUsage? usage)
    {
        // An empty reply still needs one chunk to carry the finish reason and usage.
        var words = Math.Max(1, MockTokens.Count(text));
        var start = 0;
        for (var word = 0; word < words; word++)
        {
            var end = start < text.Length && MockTokens.Count(text.AsSpan(start)) > 0 ? ReplyPieces.NextEnd(text, start) : text.Length;
            if (!await events.BeginAsync())
            {
                return false;
            }

            var last = word == words - 1;
            GeminiJson.StartResponse(events.Json);
            if (end > start || !last)
            {
                GeminiJson.WriteTextPart(events.Json, text.AsSpan(start, end - start), thought);
            }

            GeminiJson.EndResponse(events.Json, header, last ? finish : null, prompt, last ? usage : null);
            if (!await events.EndAsync())
            {
                return false;
            }

            start = end;
        }

        return true;
    }
}
