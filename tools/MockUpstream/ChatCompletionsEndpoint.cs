using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary><c>POST /v1/chat/completions</c>, plain and streamed.</summary>
internal sealed class ChatCompletionsEndpoint(MockPipeline pipeline)
{
    public async Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives)
    {
        ChatCompletionRequest request;
        RequestError? error;
        try
        {
            using var document = JsonDocument.Parse(body);
            error = ChatCompletionRequest.TryRead(document.RootElement, directives, out request);
        }
        catch (JsonException)
        {
            await OpenAiErrors.InvalidJsonAsync(context);
            return;
        }

        if (error is not null)
        {
            await OpenAiErrors.InvalidRequestAsync(context, error.Message, error.Param, error.Code);
            return;
        }

        if (!await pipeline.BeforeResponseAsync(context, directives, request.Model))
        {
            return;
        }

        var outcome = MockOutcome.Decide(request.Prompt, directives);
        var header = new ChatCompletionHeader(MockIds.ChatCompletionId(), pipeline.Time.GetUtcNow().ToUnixTimeSeconds(), request.Model);
        if (request.Stream)
        {
            using var stream = new ChatCompletionStream(context, pipeline, directives, header, request.IncludeUsage);
            await stream.WriteAsync(outcome);
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            ChatCompletionJson.WriteCompletion(json, header, outcome);
        }

        await pipeline.WriteBodyAsync(context, buffer, directives);
    }
}
