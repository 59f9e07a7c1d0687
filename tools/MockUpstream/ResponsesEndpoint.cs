using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Switchyard.MockUpstream;

/// <summary><c>POST /v1/responses</c>, plain and streamed, with stored responses for previous_response_id.</summary>
internal sealed class ResponsesEndpoint(MockPipeline pipeline, ResponseStore store)
{
    public async Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body, MockDirectives directives)
    {
        ResponsesRequest request;
        RequestError? error;
        try
        {
            using var document = JsonDocument.Parse(body);
            error = ResponsesRequest.TryRead(document.RootElement, directives, out request);
        }
        catch (JsonException)
        {
            await OpenAiErrors.InvalidJsonAsync(context);
            return;
        }

        if (error is null && request.PreviousResponseId is { } previousId)
        {
            // The stored conversation is input the model reads again, so it counts in input_tokens.
            if (store.TryGet(previousId, out var history))
            {
                request.Prompt.PromptTokens += history;
            }
            else
            {
                error = new RequestError($"Previous response with id '{previousId}' not found.", "previous_response_id", "previous_response_not_found");
            }
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

        var draft = new ResponseDraft(request, MockOutcome.Decide(request.Prompt, directives), pipeline.Time.GetUtcNow().ToUnixTimeSeconds());
        if (request.Store)
        {
            store.Add(draft.Id, draft.ContextTokens);
        }

        if (request.Stream)
        {
            using var stream = new ResponsesStream(context, pipeline, directives, draft);
            await stream.WriteAsync();
            return;
        }

        using var buffer = new PooledBufferWriter();
        using (var json = new Utf8JsonWriter(buffer, MockJson.WriterOptions))
        {
            ResponsesJson.WriteResponse(json, draft, ResponsesJson.Phase.Final);
        }

        await pipeline.WriteBodyAsync(context, buffer, directives);
    }
}
